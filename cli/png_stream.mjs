// PNG in row bands, for images too large to hold decoded: a decoder that yields RGBA rows as the
// file inflates, and an encoder that deflates rows as they come. Formats: every color type, bit
// depths 1-16 (16 bits keep their high byte as pngjs rounds it: v * 255 / 65535 + 0.5), not
// interlaced (an interlaced PNG's rows arrive in seven passes over the whole image, so it is decoded
// whole by pngjs instead).
import {createReadStream, createWriteStream, openSync, readSync, closeSync} from 'node:fs';
import {pipeline, Readable} from 'node:stream';
import {once} from 'node:events';
import zlib from 'node:zlib';

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
const CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4};

/** The IHDR fields of a PNG file (read without decoding), or null when it is not a PNG. */
export function pngHeader(path) {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(33);
  let read;
  try {
    read = readSync(fd, head, 0, 33, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 8 || !head.subarray(0, 8).equals(SIGNATURE)) return null;
  if (read < 33 || head.toString('latin1', 12, 16) !== 'IHDR') throw new Error('a damaged or truncated PNG (no IHDR chunk)');
  const header = {width: head.readUInt32BE(16), height: head.readUInt32BE(20), bitDepth: head[24], colorType: head[25],
    interlaced: head[28] === 1};
  const channels = CHANNELS[header.colorType];
  const depths = header.colorType === 0 ? [1, 2, 4, 8, 16] : header.colorType === 3 ? [1, 2, 4, 8] : [8, 16];
  if (channels == null || !depths.includes(header.bitDepth) || header.width === 0 || header.height === 0) {
    throw new Error(`a damaged or truncated PNG (color type ${header.colorType}, bit depth ${header.bitDepth}, ${header.width}x${header.height})`);
  }
  return {...header, channels};
}

/** The payloads of the file's IDAT chunks, in order; PLTE and tRNS go into `meta` on the way. */
async function* idatPayloads(path, meta) {
  let pending = Buffer.alloc(0);
  let offset = 8;
  let ended = false;
  for await (const piece of createReadStream(path, {start: 8, highWaterMark: 1 << 20})) {
    pending = pending.length === 0 ? piece : Buffer.concat([pending, piece]);
    let at = 0;
    while (pending.length - at >= 12) {
      const length = pending.readUInt32BE(at);
      if (pending.length - at < 12 + length) break;
      const type = pending.toString('latin1', at + 4, at + 8);
      const data = pending.subarray(at + 8, at + 8 + length);
      if (type === 'IDAT') yield data;
      else if (type === 'PLTE') meta.palette = Buffer.from(data);
      else if (type === 'tRNS') meta.transparency = Buffer.from(data);
      else if (type === 'IEND') ended = true;
      at += 12 + length;
      offset += 12 + length;
      if (ended) return;
    }
    pending = pending.subarray(at);
  }
  if (!ended) throw new Error(`a damaged or truncated PNG (no IEND chunk after ${offset} bytes)`);
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes a scanline's filter in place (`prior`: the row above, unfiltered). */
function unfilter(filter, line, prior, bpp) {
  const n = line.length;
  switch (filter) {
    case 0: return;
    case 1: for (let i = bpp; i < n; i++) line[i] = (line[i] + line[i - bpp]) & 255; return;
    case 2: for (let i = 0; i < n; i++) line[i] = (line[i] + prior[i]) & 255; return;
    case 3:
      for (let i = 0; i < n; i++) line[i] = (line[i] + ((i >= bpp ? line[i - bpp] : 0) + prior[i] >> 1)) & 255;
      return;
    case 4:
      for (let i = 0; i < n; i++) {
        line[i] = (line[i] + paeth(i >= bpp ? line[i - bpp] : 0, prior[i], i >= bpp ? prior[i - bpp] : 0)) & 255;
      }
      return;
    default: throw new Error(`a damaged or truncated PNG (scanline filter ${filter})`);
  }
}

/** Writes one unfiltered scanline as RGBA 8-bit at `out`. */
function toRgba(line, out, at, {width, bitDepth, colorType, channels}, meta) {
  const sample = (i) => {
    // Sample i of the line, scaled to 8 bits as pngjs does.
    if (bitDepth === 8) return line[i];
    if (bitDepth === 16) return Math.floor(((line[2 * i] << 8) | line[2 * i + 1]) * 255 / 65535 + 0.5);
    const perByte = 8 / bitDepth;
    const v = (line[Math.floor(i / perByte)] >> (8 - bitDepth * (1 + i % perByte))) & ((1 << bitDepth) - 1);
    return colorType === 3 ? v : Math.floor(v * 255 / ((1 << bitDepth) - 1) + 0.5);
  };
  for (let x = 0; x < width; x++) {
    const o = at + 4 * x;
    if (colorType === 3) {
      const entry = sample(x);
      const palette = meta.palette;
      if (palette == null || 3 * entry + 2 >= palette.length) throw new Error('a damaged or truncated PNG (palette index out of range)');
      out[o] = palette[3 * entry];
      out[o + 1] = palette[3 * entry + 1];
      out[o + 2] = palette[3 * entry + 2];
      out[o + 3] = meta.transparency != null && entry < meta.transparency.length ? meta.transparency[entry] : 255;
    } else if (channels <= 2) {
      const g = sample(x * channels);
      out[o] = out[o + 1] = out[o + 2] = g;
      out[o + 3] = channels === 2 ? sample(x * 2 + 1) : 255;
    } else {
      out[o] = sample(x * channels);
      out[o + 1] = sample(x * channels + 1);
      out[o + 2] = sample(x * channels + 2);
      out[o + 3] = channels === 4 ? sample(x * 4 + 3) : 255;
    }
  }
}

/**
 * The RGBA rows of a non-interlaced PNG (header from pngHeader), yielded in bands as they inflate:
 * at no time is more than a band of the image held.
 */
export async function* pngRows(path, header) {
  const {width, height, bitDepth, channels} = header;
  const lineBytes = Math.ceil(width * channels * bitDepth / 8);
  const bpp = Math.max(1, channels * bitDepth / 8);
  const meta = {};
  const inflate = zlib.createInflate();
  // pipeline hands a read error (a truncated file) to the inflater, whose iteration below throws it.
  pipeline(Readable.from(idatPayloads(path, meta)), inflate, () => {});
  let prior = new Uint8Array(lineBytes);
  let line = new Uint8Array(lineBytes);
  let filled = -1; // -1: the filter byte comes next
  let filter = 0;
  let row = 0;
  let band = [];
  try {
    for await (const piece of inflate) {
      let at = 0;
      const rgba = [];
      while (at < piece.length && row < height) {
        if (filled < 0) {
          filter = piece[at++];
          filled = 0;
          continue;
        }
        const take = Math.min(lineBytes - filled, piece.length - at);
        line.set(piece.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled === lineBytes) {
          unfilter(filter, line, prior, bpp);
          const out = new Uint8Array(4 * width);
          toRgba(line, out, 0, header, meta);
          rgba.push(out);
          [prior, line] = [line, prior];
          filled = -1;
          row++;
        }
      }
      band.push(...rgba);
      if (band.length * width >= 1 << 18 || row === height) {
        yield joinRows(band, width);
        band = [];
      }
    }
  } catch (e) {
    throw e.code?.startsWith('Z_') ? new Error(`a damaged or truncated PNG (${e.message})`) : e;
  }
  if (band.length > 0) yield joinRows(band, width);
  if (row < height) throw new Error(`a damaged or truncated PNG (${row} of its ${height} rows)`);
}

function joinRows(rows, width) {
  const out = new Uint8Array(rows.length * 4 * width);
  rows.forEach((r, i) => out.set(r, i * 4 * width));
  return out;
}

const CRC_TABLE = Int32Array.from({length: 256}, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(buffers) {
  let c = -1;
  for (const b of buffers) for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 255] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32([head.subarray(4), data]), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A PNG written row band by row band: `write(rows)` takes whole rows of `channels` (1 gray, 3 RGB,
 * 4 RGBA) 8-bit values, `end()` finishes the file. Rows are deflated as they come (filter None).
 */
export function pngWriter(path, {width, height, channels}) {
  const colorType = {1: 0, 3: 2, 4: 6}[channels];
  const file = createWriteStream(path);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  file.write(Buffer.concat([SIGNATURE, chunk('IHDR', ihdr)]));
  const deflate = zlib.createDeflate({level: 6});
  deflate.on('data', (data) => file.write(chunk('IDAT', data)));
  const finished = once(deflate, 'end');
  let rows = 0;
  const rowBytes = width * channels;
  return {
    async write(values) {
      const count = values.length / rowBytes;
      const lines = Buffer.alloc(count * (rowBytes + 1));
      for (let y = 0; y < count; y++) lines.set(values.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
      rows += count;
      if (!deflate.write(lines)) await once(deflate, 'drain');
    },
    async end() {
      if (rows !== height) throw new Error(`pngWriter: ${rows} rows written of ${height}`);
      deflate.end();
      await finished;
      file.end(chunk('IEND', Buffer.alloc(0)));
      await once(file, 'finish');
    },
  };
}
