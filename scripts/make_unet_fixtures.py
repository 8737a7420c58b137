#!/usr/bin/env python3
"""Reference outputs of the seed's U-Net from real PyTorch, for test/fixtures/unet/.

Run from the repository root with Debian's torch:  /usr/bin/python3 scripts/make_unet_fixtures.py
(apt-get install python3-torch). For each case it builds the seed's model (the code of
shared/seed/unet-seed.txt, its two typos fixed) with seeded random weights and BatchNorm statistics
as after training (fresh BatchNorm is nearly the identity and would hide bugs), runs it in eval mode
and writes <case>.weights.safetensors (the state_dict, as safetensors.torch.save_file writes it) and
<case>.io.safetensors (input and output, NCHW as PyTorch holds them).
The safetensors files are written here directly (8-byte little-endian header length, JSON header,
raw little-endian data), so the `safetensors` package is not needed.
"""
import json
import os
import struct

import torch
import torch.nn as nn


class DoubleConv(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        return self.conv(x)


class UNet(nn.Module):
    def __init__(self, in_channels=3, out_channels=1, features=[64, 128, 256, 512]):
        super().__init__()
        self.ups = nn.ModuleList()
        self.downs = nn.ModuleList()
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)
        for feature in features:
            self.downs.append(DoubleConv(in_channels, feature))
            in_channels = feature
        for feature in reversed(features):
            self.ups.append(nn.ConvTranspose2d(feature * 2, feature, kernel_size=2, stride=2))
            self.ups.append(DoubleConv(feature * 2, feature))
        self.bottleneck = DoubleConv(features[-1], features[-1] * 2)
        self.final_conv = nn.Conv2d(features[0], out_channels, kernel_size=1)

    def forward(self, x):
        skip_connections = []
        for down in self.downs:
            x = down(x)
            skip_connections.append(x)
            x = self.pool(x)
        x = self.bottleneck(x)
        skip_connections = skip_connections[::-1]
        for idx in range(0, len(self.ups), 2):
            x = self.ups[idx](x)
            skip_connection = skip_connections[idx // 2]
            if x.shape != skip_connection.shape:
                x = nn.functional.interpolate(x, size=skip_connection.shape[2:], mode='bilinear', align_corners=True)
            concat_skip = torch.cat((skip_connection, x), dim=1)
            x = self.ups[idx + 1](concat_skip)
        return self.final_conv(x)


# name: (in_channels, out_channels, features, input shape NCHW)
CASES = {
    'even': (3, 1, [8, 16, 32, 64], (1, 3, 32, 32)),
    'odd': (3, 2, [8, 16, 32, 64], (1, 3, 37, 53)),
    'batch2': (1, 1, [4, 8, 16, 32], (2, 1, 24, 40)),
    'three_levels': (1, 3, [4, 8, 16], (1, 1, 21, 19)),
    'gray_multiclass': (1, 4, [4, 8, 16, 32], (1, 1, 33, 47)),
}

DTYPES = {torch.float32: ('F32', '<f4'), torch.int64: ('I64', '<i8')}


def save_safetensors(tensors, path):
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        dtype = DTYPES[t.dtype][0]
        data = t.numpy().astype(DTYPES[t.dtype][1]).tobytes()
        header[name] = {'dtype': dtype, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':'))
    text += ' ' * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text.encode())
        for chunk in chunks:
            f.write(chunk)


def trained_like(model, generator, input_shape):
    """BatchNorm statistics as after training: the running mean and variance of real activations
    (four random batches through the model in training mode), and affine parameters away from 1, 0."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.momentum = None  # cumulative average over the calibration batches
                m.weight.copy_(0.5 + torch.rand(m.num_features, generator=generator))
                m.bias.copy_(0.2 * torch.randn(m.num_features, generator=generator))
        model.train()
        for _ in range(4):
            model(1.5 * torch.randn(*input_shape, generator=generator) + 0.3)
        model.eval()


def main():
    out_dir = os.path.join('test', 'fixtures', 'unet')
    os.makedirs(out_dir, exist_ok=True)
    for seed, (name, (cin, cout, features, shape)) in enumerate(sorted(CASES.items())):
        torch.manual_seed(seed)
        model = UNet(cin, cout, features)
        trained_like(model, torch.Generator().manual_seed(1000 + seed), shape)
        x = torch.randn(*shape, generator=torch.Generator().manual_seed(2000 + seed))
        with torch.no_grad():
            y = model(x)
        save_safetensors(model.state_dict(), os.path.join(out_dir, f'{name}.weights.safetensors'))
        save_safetensors({'input': x, 'output': y}, os.path.join(out_dir, f'{name}.io.safetensors'))
        print(f'{name}: features {features}, input {list(shape)} -> output {list(y.shape)}, '
              f'max|y| {y.abs().max():.4f}, std(y) {y.std():.4f}')


if __name__ == '__main__':
    main()
