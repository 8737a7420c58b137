// Reading and writing images for the command line: PNG streamed in row bands (png_stream.mjs), or
// whole through pngjs when interlaced; JPEG whole through jpeg-js (no maintained streaming JPEG
// decoder on npm). Every problem is an Error whose message names the file and what is wrong with it.
import {readFileSync, writeFileSync} from 'node:fs';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import {pngHeader, pngRows} from './png_stream.mjs';

const {PNG} = pngjs;
const PNG_SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

/** Width and height from a PNG's IHDR, read before decoding (so a decompression bomb is refused unread). */
function pngSize(bytes) {
  if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  return {width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20)};
}

function checkPixels(path, width, height, maxPixels) {
  if (width * height > maxPixels) {
    throw new Error(`${path}: ${width}x${height} is ${width * height} pixels, over the limit of ${maxPixels} (--max-pixels)`);
  }
}

/** Images decoded whole (JPEG, interlaced PNG) hold 4 bytes a pixel: at most this many pixels. */
export const WHOLE_DECODE_MAX_PIXELS = 100_000_000;

/** `read(path)`, its file errors said in a few words after the path. */
function readingFile(path, read) {
  try {
    return read(path);
  } catch (e) {
    throw new Error(`${path}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message}`);
  }
}

/**
 * An image as a source of RGBA rows ({width, height, channels: 4, rows()}: each rows() call reads it
 * again from the top): a non-interlaced PNG is decoded band by band as it is read, anything else
 * whole (at most WHOLE_DECODE_MAX_PIXELS).
 */
export function openImage(path, {maxPixels}) {
  const header = readingFile(path, pngHeader);
  if (header != null && !header.interlaced) {
    checkPixels(path, header.width, header.height, maxPixels);
    return {width: header.width, height: header.height, channels: 4, rows: () => pngRows(path, header)};
  }
  const image = readImage(path, {maxPixels: Math.min(maxPixels, WHOLE_DECODE_MAX_PIXELS)});
  return {width: image.width, height: image.height, channels: 4, rows: () => [image.data]};
}

/** {width, height, data: RGBA Uint8Array} of a PNG or JPEG file of at most `maxPixels` pixels. */
export function readImage(path, {maxPixels}) {
  const bytes = readingFile(path, readFileSync);
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    const size = pngSize(bytes);
    if (size == null) throw new Error(`${path}: not a valid PNG (no IHDR chunk)`);
    checkPixels(path, size.width, size.height, maxPixels);
    try {
      const png = PNG.sync.read(bytes);
      return {width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length)};
    } catch (e) {
      throw new Error(`${path}: a damaged or truncated PNG (${e.message})`);
    }
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    try {
      const image = jpeg.decode(bytes, {useTArray: true, formatAsRGBA: true, maxResolutionInMP: maxPixels / 1e6,
        maxMemoryUsageInMB: Math.max(512, Math.ceil(maxPixels * 8 / 2 ** 20))});
      return {width: image.width, height: image.height, data: image.data};
    } catch (e) {
      if (/maxResolutionInMP/.test(e.message)) throw new Error(`${path}: over the limit of ${maxPixels} pixels (--max-pixels)`);
      throw new Error(`${path}: a damaged or truncated JPEG (${e.message})`);
    }
  }
  throw new Error(`${path}: not a PNG or JPEG image`);
}

/** Writes RGBA pixels as a PNG. */
export function writePng(path, {width, height, data}) {
  const png = new PNG({width, height});
  png.data = Buffer.from(data.buffer, data.byteOffset, data.length);
  writeFileSync(path, PNG.sync.write(png));
}
