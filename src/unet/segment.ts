// Segmenting images with a U-Net: pixels (RGB(A) or gray, 8-bit or float) to its input tensor,
// normalization, and logits to class ids; whole images, or images of any size read and written in
// bands of rows through a tiled run.
import * as tf from '@tensorflow/tfjs-core';
import type {Range} from './graph.js';
import type {UNetConfig} from './state_dict.js';
import type {TilePlan} from './tiled.js';

export interface SegmentOptions {
  /** Probability above which a pixel is foreground (one output channel). Default 0.5. */
  threshold?: number;
  /** Per-channel mean and standard deviation applied after scaling to [0, 1]. Default 0 and 1. */
  mean?: number[];
  std?: number[];
}

/** An image given as pixels: RGB(A) or gray, 8-bit or float, row-major. */
export interface ImagePixels {
  data: Uint8Array|Uint8ClampedArray|Float32Array;
  width: number;
  height: number;
  /** Values per pixel in `data` (4 for ImageData's RGBA). Default: data.length / (width * height). */
  channels?: number;
}

type PixelValues = Uint8Array|Uint8ClampedArray|Float32Array;

/**
 * An image read from the top in bands of rows (e.g. while a PNG decodes): `rows()` yields the
 * values of whole rows, row-major, in pieces of any length, and starts again from the top at each
 * call (every strip of a tiled run reads the image once).
 */
export interface PixelRows {
  width: number;
  height: number;
  /** Values per pixel (4 for RGBA, the default; 3 RGB; 1 gray). */
  channels?: number;
  rows(): AsyncIterable<PixelValues>|Iterable<PixelValues>;
}

/** What segmentation needs of the model: its channels and how to run it whole or tiled. */
export interface Segmentable {
  readonly config: UNetConfig;
  predict(x: tf.Tensor4D): tf.Tensor4D;
  /** A tiled run of a [1, height, width] input: `read` gives each band's input, `write` takes its logits. */
  runTiled(height: number, width: number, read: (rows: Range, cols: Range) => Promise<tf.Tensor4D>,
      write: (logits: tf.Tensor4D, rows: Range, cols: Range) => Promise<void>): Promise<TilePlan>;
}

/** `image` segmented whole: see UNet.segment. */
export function segmentWhole(model: Segmentable, image: tf.Tensor3D|tf.Tensor4D|ImagePixels, options: SegmentOptions):
    tf.Tensor|{width: number, height: number, mask: Uint8Array} {
  const fromPixels = !(image instanceof tf.Tensor);
  const mask = tf.tidy(() => {
    let x = fromPixels ? pixelsToTensor(image as ImagePixels, model.config.inChannels) : image as tf.Tensor;
    if (x.rank === 3) x = tf.expandDims(x, 0);
    if (x.rank !== 4) throw new Error(`UNet.segment: image must be rank 3 or 4, got rank ${x.rank}`);
    const classes = classify(model.predict(normalize(x as tf.Tensor4D, options)), model.config.outChannels, options);
    return fromPixels || (image as tf.Tensor).rank === 4 ? classes : tf.squeeze(classes, [0]);
  });
  if (!fromPixels) return mask;
  const {width, height} = image as ImagePixels;
  const values = Uint8Array.from(mask.dataSync());
  mask.dispose();
  return {width, height, mask: values};
}

/** `image` segmented band by band through a tiled run: see UNet.segmentTiled. */
export async function segmentBands(model: Segmentable, image: ImagePixels|PixelRows, options: SegmentOptions&{
  onMask?: (mask: Uint8Array, rows: Range, cols: Range) => void|Promise<void>,
}): Promise<{width: number, height: number, mask?: Uint8Array, plan: TilePlan}> {
  const source = 'rows' in image ? image : pixelRows(image);
  const {width, height} = source;
  const channels = source.channels ?? 4;
  if (!(Number.isSafeInteger(width) && width > 0 && Number.isSafeInteger(height) && height > 0 && channels > 0)) {
    throw new Error(`UNet.segmentTiled: the image must have a positive integer width and height, got ${width}x${height}`);
  }
  const mask = options.onMask == null ? new Uint8Array(width * height) : null;
  const rowBytes = width * channels;
  let reader: RowReader|null = null;
  const plan = await model.runTiled(height, width, async ([y0, y1], [x0, x1]) => {
    if (reader == null || y0 < reader.top) reader = new RowReader(source.rows(), rowBytes, height);
    const rows = await reader.take(y0, y1);
    const size = (y1 - y0) * (x1 - x0) * channels;
    const band = rows instanceof Float32Array ? new Float32Array(size) : new Uint8Array(size);
    for (let y = 0; y < y1 - y0; y++) band.set(rows.subarray(y * rowBytes + x0 * channels, y * rowBytes + x1 * channels), y * (x1 - x0) * channels);
    return tf.tidy(() => normalize(pixelsToTensor({data: band, width: x1 - x0, height: y1 - y0, channels},
        model.config.inChannels) as tf.Tensor4D, options));
  }, async (logits, rows, cols) => {
    const classes = classify(logits, model.config.outChannels, options);
    const values = Uint8Array.from(classes.dataSync());
    classes.dispose();
    if (options.onMask != null) return options.onMask(values, rows, cols);
    const w = cols[1] - cols[0];
    for (let y = rows[0]; y < rows[1]; y++) mask!.set(values.subarray((y - rows[0]) * w, (y - rows[0] + 1) * w), y * width + cols[0]);
  });
  return {width, height, ...(mask != null ? {mask} : {}), plan};
}

function pixelRows(image: ImagePixels): PixelRows {
  const {data, width, height} = image;
  return {width, height, channels: image.channels ?? data.length / (width * height), rows: () => [data]};
}

/** Reads bands of rows, in order, from a PixelRows pass. */
class RowReader {
  private readonly pieces: Iterator<PixelValues>|AsyncIterator<PixelValues>;
  private held: PixelValues|null = null;
  /** The first row `held` starts at. */
  top = 0;

  constructor(rows: AsyncIterable<PixelValues>|Iterable<PixelValues>, private readonly rowValues: number, private readonly height: number) {
    this.pieces = Symbol.asyncIterator in rows ? rows[Symbol.asyncIterator]() : rows[Symbol.iterator]();
  }

  /** Rows [y0, y1) (y0 at or past the rows taken before), as one array. */
  async take(y0: number, y1: number): Promise<PixelValues> {
    const end = y1 * this.rowValues;
    while (this.top * this.rowValues + (this.held?.length ?? 0) < end) {
      const {value, done} = await this.pieces.next();
      if (done) {
        const rows = Math.floor((this.top * this.rowValues + (this.held?.length ?? 0)) / this.rowValues);
        throw new Error(`UNet.segmentTiled: the image source ended after ${rows} of its ${this.height} rows`);
      }
      if (this.held == null || this.held.length === 0) {
        this.held = value;
      } else {
        const joined = value instanceof Float32Array ? new Float32Array(this.held.length + value.length) : new Uint8Array(this.held.length + value.length);
        joined.set(this.held);
        joined.set(value, this.held.length);
        this.held = joined;
      }
    }
    const from = (y0 - this.top) * this.rowValues;
    const band = this.held!.subarray(from, from + (y1 - y0) * this.rowValues);
    this.held = this.held!.subarray(from + band.length);
    this.top = y1;
    return band;
  }
}

/** 8-bit (or int32) values to [0, 1], then `mean`/`std`: segment's input. */
function normalize(x: tf.Tensor4D, {mean, std}: SegmentOptions): tf.Tensor4D {
  return tf.tidy(() => {
    let input = x.dtype === 'float32' ? x : tf.div(tf.cast(x, 'float32'), 255);
    if (mean != null) input = tf.sub(input, tf.tensor1d(mean));
    if (std != null) input = tf.div(input, tf.tensor1d(std));
    return input as tf.Tensor4D;
  });
}

/** Logits to class ids: the thresholded sigmoid (one output channel) or the argmax. */
function classify(logits: tf.Tensor4D, outChannels: number, {threshold = 0.5}: SegmentOptions): tf.Tensor3D {
  return tf.tidy(() => outChannels === 1 ?
      tf.cast(tf.greater(tf.sigmoid(tf.squeeze(logits, [3])), threshold), 'int32') as tf.Tensor3D :
      tf.argMax(logits, 3) as tf.Tensor3D);
}

/** Pixels to a [1, H, W, C] tensor with the model's `inChannels`: alpha dropped, or RGB averaged to gray. */
function pixelsToTensor({data, width, height, channels}: ImagePixels, inChannels: number): tf.Tensor {
  const perPixel = channels ?? data.length / (width * height);
  if (!Number.isInteger(perPixel) || data.length !== width * height * perPixel) {
    throw new Error(`UNet.segment: ${data.length} values do not make a ${width}x${height} image`);
  }
  const values = data instanceof Float32Array ? data : Int32Array.from(data);
  let x: tf.Tensor = tf.tensor4d(values, [1, height, width, perPixel], data instanceof Float32Array ? 'float32' : 'int32');
  if (perPixel === 4 && inChannels === 3) x = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, 3]); // drop alpha
  else if (perPixel >= 3 && inChannels === 1) {
    // Gray: the mean of R, G and B, rounded back to 8 bits when the pixels are (segment then scales it).
    const gray = tf.mean(tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, 3]), 3, true);
    x = x.dtype === 'int32' ? tf.cast(tf.round(gray), 'int32') : gray;
  }
  return x;
}
