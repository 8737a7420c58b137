/**
 * FLOPs of one inference of the seed U-Net (multiply-adds of its convolutions x 2) for an input of
 * size x size x inChannels: what GFLOP/s figures count.
 */
export function unetFlops(features: number[], size: number, inChannels = 3, outChannels = 1): number {
  let flops = 0;
  let s = size;
  let cin = inChannels;
  const doubleConv = (hw: number, a: number, b: number) => 2 * hw * 9 * (a * b + b * b);
  for (const f of features) {
    flops += doubleConv(s * s, cin, f);
    cin = f;
    s = Math.floor(s / 2);
  }
  const last = features[features.length - 1];
  flops += doubleConv(s * s, last, 2 * last);
  for (const f of [...features].reverse()) {
    flops += 2 * s * s * 2 * f * f * 4; // ConvTranspose2d(2f, f, 2, 2)
    s *= 2;
    flops += doubleConv(s * s, 2 * f, f);
  }
  return flops + 2 * size * size * features[0] * outChannels;
}
