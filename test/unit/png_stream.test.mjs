// The command line's streaming PNG codec against pngjs: every color type and bit depth decodes to
// pngjs's RGBA, in bands; what the writer writes pngjs reads back; damaged files are refused.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import zlib from 'node:zlib';
import pngjs from 'pngjs';
import {pngHeader, pngRows, pngWriter} from '../../cli/png_stream.mjs';
import {rng} from './helpers.mjs';

const {PNG} = pngjs;
const dir = mkdtempSync(join(tmpdir(), 'asc-png-'));

async function decodeStreamed(path) {
  const header = pngHeader(path);
  const pieces = [];
  for await (const band of pngRows(path, header)) pieces.push(band);
  return {header, data: Buffer.concat(pieces), bands: pieces.length};
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
  return out;
}

/** A PNG built by hand: any color type and bit depth, each row with a filter cycling through all five. */
function handmadePng({width, height, colorType, bitDepth, palette, transparency}, random) {
  const channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colorType];
  const lineBytes = Math.ceil(width * channels * bitDepth / 8);
  const raw = Buffer.alloc(height * (lineBytes + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (lineBytes + 1)] = y % 5;
    for (let i = 0; i < lineBytes; i++) {
      // Palette indices stay within the palette: 2-bit samples of a 4-entry palette.
      raw[y * (lineBytes + 1) + 1 + i] = Math.floor(random() * 256);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([bitDepth, colorType, 0, 0, 0], 8);
  const parts = [Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr)];
  if (palette) parts.push(chunk('PLTE', palette));
  if (transparency) parts.push(chunk('tRNS', transparency));
  const compressed = zlib.deflateSync(raw);
  // Two IDAT chunks, split mid-stream.
  parts.push(chunk('IDAT', compressed.subarray(0, 7)), chunk('IDAT', compressed.subarray(7)), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

test('every color type and bit depth decodes, in bands, to pngjs\'s RGBA', async () => {
  const random = rng(3);
  const cases = [
    {colorType: 0, bitDepth: 1}, {colorType: 0, bitDepth: 2}, {colorType: 0, bitDepth: 4}, {colorType: 0, bitDepth: 8},
    {colorType: 0, bitDepth: 16}, {colorType: 2, bitDepth: 8}, {colorType: 2, bitDepth: 16}, {colorType: 4, bitDepth: 8},
    {colorType: 4, bitDepth: 16}, {colorType: 6, bitDepth: 8}, {colorType: 6, bitDepth: 16},
    {colorType: 3, bitDepth: 2, palette: Buffer.from([10, 20, 30, 40, 50, 60, 70, 80, 90, 200, 210, 220]), transparency: Buffer.from([0, 128])},
  ];
  for (const c of cases) {
    const path = join(dir, `t${c.colorType}-${c.bitDepth}.png`);
    writeFileSync(path, handmadePng({width: 13, height: 9, ...c}, random));
    const expected = PNG.sync.read(readFileSync(path));
    const {header, data} = await decodeStreamed(path);
    assert.equal([header.width, header.height], [13, 9]);
    assert.ok(Buffer.compare(data, expected.data) === 0, `color type ${c.colorType}, depth ${c.bitDepth}`);
  }
});

test('a large image comes in several bands; the writer\'s files read back through pngjs', async () => {
  const width = 700, height = 500;
  const random = rng(5);
  const rgba = Buffer.from(Uint8Array.from({length: width * height * 4}, () => Math.floor(random() * 256)));
  const png = new PNG({width, height});
  png.data = rgba;
  const path = join(dir, 'large.png');
  writeFileSync(path, PNG.sync.write(png));
  const {data, bands} = await decodeStreamed(path);
  assert.ok(bands > 1, `${bands} bands`);
  assert.ok(Buffer.compare(data, rgba) === 0);
  for (const channels of [1, 3, 4]) {
    const out = join(dir, `written-${channels}.png`);
    const writer = pngWriter(out, {width, height, channels});
    const values = Uint8Array.from({length: width * height * channels}, () => Math.floor(random() * 256));
    for (let y = 0; y < height; y += 64) await writer.write(values.subarray(y * width * channels, Math.min(height, y + 64) * width * channels));
    await writer.end();
    const back = PNG.sync.read(readFileSync(out));
    for (let p = 0; p < width * height; p += 997) {
      const want = channels === 1 ? [values[p], values[p], values[p]] : [values[p * channels], values[p * channels + 1], values[p * channels + 2]];
      assert.equal([...back.data.subarray(4 * p, 4 * p + 3)], want, `${channels} channels, pixel ${p}`);
    }
  }
});

test('damaged PNGs are refused with an error that says so', async () => {
  const random = rng(9);
  const good = handmadePng({width: 40, height: 30, colorType: 2, bitDepth: 8}, random);
  const cases = [
    ['short.png', good.subarray(0, 20), /no IHDR chunk/],
    ['cut.png', good.subarray(0, good.length - 40), /a damaged or truncated PNG/],
    ['depth.png', Buffer.from(good).fill(3, 24, 25), /a damaged or truncated PNG \(color type 2, bit depth 3/],
  ];
  for (const [name, bytes, message] of cases) {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    try {
      await decodeStreamed(path);
      assert.unreachable(name);
    } catch (e) {
      assert.match(e.message, message, name);
    }
  }
});

test.run();
