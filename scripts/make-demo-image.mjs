// Writes examples/demo/sample.png: the demo's bundled sample, a 256x256 RGB scene of bright
// ellipses on a textured, shaded background (seeded, so the file is reproducible).
// Usage: node scripts/make-demo-image.mjs
import {writeFileSync} from 'node:fs';
import {deflateSync} from 'node:zlib';

const SIZE = 256;
let seed = 12345;
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);

const ellipses = Array.from({length: 5}, () => ({
  cx: 30 + random() * 196, cy: 30 + random() * 196, rx: 14 + random() * 30, ry: 14 + random() * 30,
  angle: random() * Math.PI, color: [150 + random() * 100, 80 + random() * 120, 60 + random() * 80],
}));
const rgb = new Uint8Array(SIZE * SIZE * 3);
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    let pixel = [40 + 50 * y / SIZE, 60 + 30 * x / SIZE, 90];
    for (const e of ellipses) {
      const [dx, dy] = [x - e.cx, y - e.cy];
      const u = (dx * Math.cos(e.angle) + dy * Math.sin(e.angle)) / e.rx;
      const v = (-dx * Math.sin(e.angle) + dy * Math.cos(e.angle)) / e.ry;
      if (u * u + v * v <= 1) pixel = e.color.map((c) => c * (1 - 0.3 * (u * u + v * v)));
    }
    for (let c = 0; c < 3; c++) rgb[(y * SIZE + x) * 3 + c] = Math.max(0, Math.min(255, pixel[c] + (random() - 0.5) * 24));
  }
}
writeFileSync(new URL('../examples/demo/sample.png', import.meta.url), encodePng(rgb, SIZE, SIZE));

/** A minimal PNG: 8-bit RGB, one IDAT, no filtering. */
function encodePng(pixels, width, height) {
  const rows = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) rows.set(pixels.subarray(y * width * 3, (y + 1) * width * 3), y * (1 + width * 3) + 1);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);  // bit depth 8, color type RGB
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

function crc32(bytes) {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}
