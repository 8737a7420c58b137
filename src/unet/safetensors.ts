// The safetensors format: an 8-byte little-endian header length, a JSON header naming each
// tensor's dtype, shape and byte range, then the raw little-endian data.
// Reading checks every range before any tensor is returned, so a bad file never half-loads.

export type SafetensorsDtype = 'F64'|'F32'|'F16'|'BF16'|'I64'|'I32'|'I16'|'I8'|'U8'|'BOOL';

const DTYPE_BYTES: Record<SafetensorsDtype, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1,
};

/** The largest JSON header read (the safetensors reference implementation's limit). */
export const MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  /** The raw bytes of this tensor (a view into the file). */
  bytes: Uint8Array;
}

export interface Safetensors {
  tensors: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
}

/** Parses a safetensors file; throws an Error naming the key or byte offset of the first problem. */
export function readSafetensors(file: Uint8Array|ArrayBuffer): Safetensors {
  const bytes = file instanceof Uint8Array ? file : new Uint8Array(file);
  if (bytes.byteLength < 8) {
    throw new Error(`safetensors: file is ${bytes.byteLength} bytes, shorter than the 8-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES) {
    throw new Error(`safetensors: header length ${view.getBigUint64(0, true)} at byte 0 is over the ${MAX_HEADER_BYTES}-byte limit`);
  }
  if (headerLength > bytes.byteLength - 8) {
    throw new Error(`safetensors: header length ${headerLength} at byte 0 runs past the end of the ` +
        `${bytes.byteLength}-byte file`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (e) {
    throw new Error(`safetensors: the JSON header (bytes 8 to ${8 + headerLength}) does not parse: ${(e as Error).message}`);
  }
  if (header == null || typeof header !== 'object' || Array.isArray(header)) {
    throw new Error('safetensors: the JSON header is not an object');
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;
  const tensors = new Map<string, SafetensorsEntry>();
  const ranges: Array<[number, number, string]> = [];
  let metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(header)) {
    if (key === '__metadata__') {
      const entries = value != null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : null;
      if (entries == null || entries.some(([, v]) => typeof v !== 'string')) {
        throw new Error(`safetensors: __metadata__ must map names to strings, got ${JSON.stringify(value)?.slice(0, 80)}`);
      }
      metadata = Object.fromEntries(entries) as Record<string, string>;
      continue;
    }
    if (value == null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(`safetensors: tensor '${key}' is ${JSON.stringify(value)?.slice(0, 80)}, not {dtype, shape, data_offsets}`);
    }
    const info = value as {dtype?: unknown, shape?: unknown, data_offsets?: unknown};
    // Own keys only: 'toString' or '__proto__' are no dtype.
    const dtype = info.dtype as SafetensorsDtype;
    if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, dtype)) {
      throw new Error(`safetensors: tensor '${key}' has unsupported dtype '${info.dtype}'`);
    }
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new Error(`safetensors: tensor '${key}' has an invalid shape ${JSON.stringify(shape)}`);
    }
    const offsets = info.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      throw new Error(`safetensors: tensor '${key}' has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataLength) {
      throw new Error(`safetensors: tensor '${key}' data_offsets [${begin}, ${end}] (file bytes ` +
          `${dataStart + begin} to ${dataStart + end}) lie outside the ${dataLength}-byte data section`);
    }
    const expected = shape.reduce((a: number, b: number) => a * b, 1) * DTYPE_BYTES[dtype];
    if (end - begin !== expected) {
      throw new Error(`safetensors: tensor '${key}' (${dtype} [${shape.join(', ')}]) needs ${expected} bytes, ` +
          `its data_offsets [${begin}, ${end}] hold ${end - begin}`);
    }
    ranges.push([begin, end, key]);
    tensors.set(key, {dtype, shape: shape as number[], bytes: bytes.subarray(dataStart + begin, dataStart + end)});
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (let i = 1; i < ranges.length; i++) {
    const [begin, , key] = ranges[i];
    const [, prevEnd, prevKey] = ranges[i - 1];
    if (begin < prevEnd) {
      throw new Error(`safetensors: tensor '${key}' (data bytes from ${begin}) overlaps '${prevKey}' (to ${prevEnd})`);
    }
  }
  return {tensors, metadata};
}

/** The values of a floating-point entry as float32 (F16 and BF16 widened, F64 rounded). */
export function toFloat32(key: string, entry: SafetensorsEntry): Float32Array {
  const {bytes, dtype} = entry;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes.byteLength / DTYPE_BYTES[dtype];
  const out = new Float32Array(count);
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return out;
    case 'BF16': {
      const widened = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        widened.setUint32(0, view.getUint16(i * 2, true) << 16);
        out[i] = widened.getFloat32(0);
      }
      return out;
    }
    default:
      throw new Error(`safetensors: tensor '${key}' has dtype ${dtype}, expected a floating-point dtype (F32, F16, BF16, F64)`);
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** float32 -> IEEE half, rounding to nearest even (overflow to infinity, underflow through subnormals). */
function floatToHalf(value: number): number {
  const bits = new Uint32Array(new Float32Array([value]).buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    // Subnormal: shift the implicit 1 in, round to nearest even.
    const m = mantissa | 0x800000;
    const shift = 14 - e;
    const half = m >>> shift;
    const rest = m & ((1 << shift) - 1), midpoint = 1 << (shift - 1);
    return sign | (half + (rest > midpoint || (rest === midpoint && (half & 1)) ? 1 : 0));
  }
  const half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa bumps the exponent, as it should (up to infinity).
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && (half & 1)) ? 1 : 0));
}

/**
 * Writes float32 tensors (and optional metadata) as a safetensors file, stored as F32 or, half the
 * size, F16.
 */
export function writeSafetensors(
    tensors: Record<string, {shape: number[], data: Float32Array}>, metadata?: Record<string, string>,
    dtype: 'F32'|'F16' = 'F32'): Uint8Array {
  const width = DTYPE_BYTES[dtype];
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  const names = Object.keys(tensors);
  for (const name of names) {
    const {shape, data} = tensors[name];
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new Error(`safetensors: '${name}' has ${data.length} values for shape [${shape.join(', ')}]`);
    header[name] = {dtype, shape, data_offsets: [offset, offset + data.length * width]};
    offset += data.length * width;
  }
  const json = JSON.stringify(header);
  const unpadded = new TextEncoder().encode(json).byteLength;
  // Pad the header with spaces so the data section starts 8-byte aligned.
  const headerBytes = new TextEncoder().encode(json + ' '.repeat((8 - ((8 + unpadded) % 8)) % 8));
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.byteLength;
  for (const name of names) {
    const {data} = tensors[name];
    const dv = new DataView(out.buffer, at, data.length * width);
    for (let i = 0; i < data.length; i++) {
      if (dtype === 'F16') dv.setUint16(i * 2, floatToHalf(data[i]), true);
      else dv.setFloat32(i * 4, data[i], true);
    }
    at += data.length * width;
  }
  return out;
}
