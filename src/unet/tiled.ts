// Tiled U-Net inference in bounded memory. The image is cut into vertical strips (only when it is
// too wide for the budget), and each strip streams through the network top to bottom in bands of
// rows: every layer keeps only the rows its consumers still need (line buffers, as image pipelines
// do), so rows are never computed twice and only the columns between strips pay a halo. A layer
// computes the rows and columns its consumers need, with the ops whole-image inference runs
// (graph.ts), so the result is the whole image's bit for bit.
import * as tf from '@tensorflow/tfjs-core';
import {alignRange, conv3Align, domainOf, Layer, need, needHi, needLo, Range, runLayer, winogradSetting} from './graph.js';

export interface TileOptions {
  /**
   * Bytes the run may hold in all: the weights (and their packed copies) plus the rows in flight.
   * Default: the weights and 512 MiB more. The strip width and band height are derived from it.
   */
  memoryBytes?: number;
  /** Output columns per strip (default: as wide as the budget allows, the whole width if it fits). */
  stripWidth?: number;
  /** Input rows fed per step (default: as many as the budget allows, up to 128). */
  bandRows?: number;
  /**
   * Input columns each side of a strip. Default: the network's receptive field, which makes the result
   * the whole image's bit for bit. A smaller halo costs less recomputation between strips; the strip
   * is then computed as an image of its own (zeros beyond it), which changes its edges.
   */
  halo?: number;
  /** Called after each band of each strip. */
  onProgress?: (done: number, total: number) => void;
}

/** How a tiled run is cut. */
export interface TilePlan {
  /** Output columns of each strip. */
  strips: Range[];
  bandRows: number;
  /**
   * Input columns a strip computes beyond its own on a side, at most: its receptive field clipped by
   * the image's edges (0 for one strip), or the `halo` given.
   */
  halo: number;
  /** Whether the result is the whole image's bit for bit (the halo covers the receptive field). */
  exact: boolean;
  /** Bytes of the model's weights (and packed copies) counted against the budget. */
  weightBytes: number;
  /** The most bytes of rows in flight, from a dry run of the schedule. */
  peakRowBytes: number;
  memoryBytes: number;
}

/** What a run may hold beyond its weights by default. */
const DEFAULT_TILE_MEMORY = 512 * 2 ** 20;
const BAND_CANDIDATES = [128, 64, 32, 16, 8, 4, 2, 1];
/** Kernel scratch, the allocator's slack and the tensors around the run (input band, output rows). */
const RESERVE_FRACTION = 0.15;
const RESERVE_BYTES = 24 * 2 ** 20;

/** Tensors alive at the end of a layer's step, as multiples of its output (what its tidy holds). */
function transientFactor(layer: Layer): number {
  switch (layer.kind) {
    case 'conv3': return layer.bn == null ? 1.25 : 4.25;
    case 'conv1': return 2.25;
    case 'up': return 3.5;
    case 'resize': return 6;
    default: return 1;
  }
}

/** For each layer, the layers that read it. */
function consumersOf(layers: Layer[]): number[][] {
  const consumers = layers.map((): number[] => []);
  layers.forEach((layer, i) => layer.inputs.forEach((input) => consumers[input].push(i)));
  return consumers;
}

/** Column domains: the whole width, or for a narrow halo the strip's own image (see TileOptions.halo). */
function columnDomains(layers: Layer[], inputCols: Range): Range[] {
  const domains: Range[] = [];
  for (const layer of layers) {
    domains.push(layer.kind === 'input' ? inputCols : domainOf(layers, layer, 1, layer.inputs.map((i) => domains[i])));
  }
  return domains;
}

/**
 * The columns each layer computes for output columns `outCols`: the hull of what its consumers need,
 * for a 3x3 conv widened to conv3Align() (`aligned`; without it, the architecture's dependency cone).
 */
function columnRegions(layers: Layer[], outCols: Range, domains: Range[], aligned = true): Range[] {
  const align = aligned ? conv3Align() : 1;
  const regions: Range[] = layers.map(() => [Infinity, -Infinity]);
  regions[layers.length - 1] = outCols;
  for (let i = layers.length - 1; i > 0; i--) {
    if (regions[i][1] <= regions[i][0]) continue;
    if (layers[i].kind === 'conv3') regions[i] = alignRange(regions[i], domains[i], align);
    layers[i].inputs.forEach((input, k) => {
      const [lo, hi] = need(layers, layers[i], k, 1, regions[i], domains[i]);
      regions[input] = [Math.min(regions[input][0], lo), Math.max(regions[input][1], hi)];
    });
  }
  return regions;
}

/** One strip's geometry: which columns every layer computes, in which domains. */
interface Strip {
  cols: Range;
  regions: Range[];
  domains: Range[];
}

function stripGeometry(layers: Layer[], cols: Range, halo: number|undefined, align: number): Strip {
  const width = layers[0].size[1];
  let inputCols: Range = [0, width];
  if (halo != null) {
    // The strip as an image of its own, its origin on the network's total stride so pools stay
    // aligned, times conv3Align() so every level's 3x3 convs tile as in the whole image.
    const origin = align * conv3Align();
    inputCols = [Math.max(0, Math.floor((cols[0] - halo) / origin) * origin), Math.min(width, Math.ceil((cols[1] + halo) / align) * align)];
  }
  const domains = halo == null ? layers.map((l): Range => [0, l.size[1]]) : columnDomains(layers, inputCols);
  const last = domains[layers.length - 1];
  if (cols[0] < last[0] || cols[1] > last[1]) {
    throw new Error(`tiled U-Net: a halo of ${halo} columns is too small to compute columns ${cols[0]}..${cols[1]}`);
  }
  return {cols, regions: columnRegions(layers, cols, domains), domains};
}

interface Emitted {
  rows: Range;
  out: tf.Tensor4D;
}

/** Rows [lo, hi) of a layer's output, as one step computed them (a tensor; its row count in a dry run). */
interface Chunk {
  lo: number;
  hi: number;
  rows: tf.Tensor4D|null;
}

/**
 * One strip flowing down the network: `push` appends input rows, every layer computes the rows its
 * inputs now allow, and the last layer's new rows come out. A layer's line buffer is the chunks its
 * steps made: appending copies nothing, a chunk is freed once no consumer reads its rows again, and
 * a consumer copies only the rows it reads (so the allocator sees blocks of a few sizes over and
 * over). `dry` runs the schedule without tensors, to measure the bytes it holds.
 */
class RowStream {
  private readonly hi: number[];
  private readonly chunks: Chunk[][];
  private readonly consumers: number[][];
  private readonly rowBytes: number[];
  private heldBytes = 0;
  /** Where a 3x3 conv's row runs start and end (graph.ts: conv3Align), read once per strip. */
  private readonly conv3Align = conv3Align();
  peakBytes = 0;

  constructor(private readonly layers: Layer[], private readonly strip: Strip, batch: number,
      private readonly bandRows: number, private readonly dry: boolean) {
    this.hi = layers.map(() => 0);
    this.chunks = layers.map((): Chunk[] => []);
    this.consumers = consumersOf(layers);
    this.rowBytes = layers.map((l, i) => 4 * batch * l.channels * Math.max(0, strip.regions[i][1] - strip.regions[i][0]));
  }

  get done(): boolean {
    const last = this.layers.length - 1;
    return this.hi[last] === this.layers[last].size[0];
  }

  /** Appends `rows` input rows (`band`: those rows of the strip's input columns; null in a dry run). */
  push(band: tf.Tensor4D|null, rows: number): Emitted[] {
    this.append(0, band, rows);
    const emitted: Emitted[] = [];
    while (this.pass(emitted)) this.trim();
    return emitted;
  }

  /**
   * Every layer computes the rows its inputs now allow, at most a band's worth (scaled to its
   * resolution), so the rows a layer catches up on at the image's end come in bounded steps.
   */
  private pass(emitted: Emitted[]): boolean {
    const last = this.layers.length - 1;
    let progressed = false;
    for (let i = 1; i <= last; i++) {
      const layer = this.layers[i];
      const height = layer.size[0];
      const align = layer.kind === 'conv3' ? this.conv3Align : 1;
      const step = Math.ceil(Math.max(1, Math.ceil(this.bandRows * height / this.layers[0].size[0])) / align) * align;
      const cap = this.hi[i] + step;
      let end = this.hi[i];
      while (end < Math.min(height, cap) && layer.inputs.every((input, k) =>
        needHi(this.layers, layer, k, 0, end + 1, height) <= this.hi[input])) end++;
      // A 3x3 convolution's rows run from and to multiples of conv3Align() (graph.ts), but for the last.
      if (end < height) end -= (end - this.hi[i]) % align;
      if (end === this.hi[i]) continue;
      progressed = true;
      const rowRange: Range = [this.hi[i], end];
      const out = this.compute(i, rowRange);
      if (i === last) {
        if (out != null) emitted.push({rows: rowRange, out});
        this.hi[i] = end;
      } else {
        this.append(i, out, end - this.hi[i]);
      }
    }
    return progressed;
  }

  /** Rows `rows` x columns `cols` of layer i's buffer as one tensor (a copy of just those). */
  private gather(i: number, [r0, r1]: Range, [c0, c1]: Range): tf.Tensor4D {
    const colLo = this.strip.regions[i][0];
    const parts = this.chunks[i].filter((c) => c.hi > r0 && c.lo < r1).map((c) => {
      const lo = Math.max(r0, c.lo), hi = Math.min(r1, c.hi);
      return tf.slice(c.rows, [0, lo - c.lo, c0 - colLo, 0], [-1, hi - lo, c1 - c0, -1]);
    });
    return parts.length === 1 ? parts[0] : tf.concat(parts, 1);
  }

  /** Rows `rows` of layer i from the slices of its inputs that they need. */
  private compute(i: number, rows: Range): tf.Tensor4D|null {
    const layer = this.layers[i];
    const {regions, domains} = this.strip;
    const height = layer.size[0];
    const spans = layer.inputs.map((input, k) => ({
      input,
      rows: need(this.layers, layer, k, 0, rows, [0, height]),
      cols: need(this.layers, layer, k, 1, regions[i], domains[i]),
    }));
    if (this.dry) {
      // A slice of several chunks is their parts joined: twice the rows for a moment.
      const sliceBytes = spans.reduce((sum, s) => sum + 2 * (s.rows[1] - s.rows[0]) * this.rowBytes[s.input], 0);
      const outBytes = (rows[1] - rows[0]) * this.rowBytes[i];
      this.peakBytes = Math.max(this.peakBytes, this.heldBytes + sliceBytes + transientFactor(layer) * outBytes);
      return null;
    }
    return tf.tidy(() => {
      const inputs = spans.map(({input, rows: r, cols: c}) => this.gather(input, r, c));
      const origins = spans.map(({rows: r, cols: c}): [number, number] => [r[0], c[0]]);
      return runLayer(this.layers, layer, inputs, origins, rows, regions[i], [[0, height], domains[i]]);
    });
  }

  /** Appends `rows` new rows to layer i's buffer. */
  private append(i: number, rows: tf.Tensor4D|null, count: number): void {
    this.chunks[i].push({lo: this.hi[i], hi: this.hi[i] + count, rows});
    this.hi[i] += count;
    this.heldBytes += count * this.rowBytes[i];
  }

  /** Frees the chunks no consumer will read again. */
  private trim(): void {
    for (let i = 0; i < this.layers.length - 1; i++) {
      let keep = this.hi[i];
      for (const c of this.consumers[i]) {
        const consumer = this.layers[c];
        if (this.hi[c] >= consumer.size[0]) continue;
        const k = consumer.inputs.indexOf(i);
        keep = Math.min(keep, needLo(this.layers, consumer, k, 0, this.hi[c], 0));
      }
      const chunks = this.chunks[i];
      while (chunks.length > 0 && chunks[0].hi <= keep) {
        const chunk = chunks.shift();
        chunk.rows?.dispose();
        this.heldBytes -= (chunk.hi - chunk.lo) * this.rowBytes[i];
      }
    }
  }

  dispose(): void {
    for (const chunks of this.chunks) for (const c of chunks) c.rows?.dispose();
  }
}

/** The strips of `width` columns `stripWidth` wide. */
function cutStrips(width: number, stripWidth: number): Range[] {
  const strips: Range[] = [];
  for (let c = 0; c < width; c += stripWidth) strips.push([c, Math.min(width, c + stripWidth)]);
  return strips;
}

function checkCount(name: string, value: number|undefined, min: number): void {
  if (value != null && !(Number.isSafeInteger(value) && value >= min)) {
    throw new Error(`tiled U-Net: ${name} must be an integer >= ${min}, got ${value}`);
  }
}

/** The bytes a strip's rows reach with `bandRows` rows per step (a dry run of its schedule). */
function stripPeak(layers: Layer[], strip: Strip, batch: number, bandRows: number): number {
  const stream = new RowStream(layers, strip, batch, bandRows, true);
  const height = layers[0].size[0];
  for (let y = 0; y < height; y += bandRows) stream.push(null, Math.min(bandRows, height - y));
  return stream.peakBytes;
}

/**
 * Input columns a strip computes beyond its own on either side, without a halo limit (`aligned`
 * false: the columns its outputs depend on, the receptive field).
 */
export function fieldOf(layers: Layer[], cols: Range, aligned = true): number {
  const domains = layers.map((l): Range => [0, l.size[1]]);
  const regions = columnRegions(layers, cols, domains, aligned);
  return Math.max(cols[0] - regions[0][0], regions[0][1] - cols[1]);
}

/**
 * Cuts a run: the fewest strips, then the most rows per step, whose rows in flight fit in what the
 * budget leaves after the weights. `layersOf(height)` is the network for inputs of that height (and
 * the run's width); `align` its total stride.
 */
export function planTiles(layersOf: (height: number) => Layer[], height: number, batch: number, weightBytes: number,
    align: number, {memoryBytes = weightBytes + DEFAULT_TILE_MEMORY, stripWidth, bandRows, halo}: TileOptions = {}): TilePlan {
  if (!(Number.isFinite(memoryBytes) && memoryBytes > 0)) {
    throw new Error(`tiled U-Net: memoryBytes must be a positive number of bytes, got ${memoryBytes}`);
  }
  checkCount('stripWidth', stripWidth, 1);
  checkCount('bandRows', bandRows, 1);
  checkCount('halo', halo, 0);
  const layers = layersOf(height);
  const width = layers[0].size[1];
  // The rows in flight settle after a few receptive fields: a taller image holds no more (the dry
  // run is timed on a shorter one, of the same height modulo the stride).
  const simulatedRows = Math.max(1024, 16 * align);
  const simulated = height > simulatedRows + align ? layersOf(simulatedRows + height % align) : layers;
  const available = memoryBytes * (1 - RESERVE_FRACTION) - RESERVE_BYTES - weightBytes;
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  if (available <= 0) {
    // asc's Winograd filters are most of the weights of a deep model: its flag can make them smaller.
    const smaller = winogradSetting() !== false ? ` (or make asc's packed weights smaller: ASC_WINOGRAD 'F(2,3)' or false)` : '';
    throw new Error(`tiled U-Net: a budget of ${mib(memoryBytes)} does not hold the model's weights (${mib(weightBytes)}) ` +
        `and the working reserve (${mib(memoryBytes - available - weightBytes)}); raise memoryBytes${smaller}`);
  }
  const bands = bandRows != null ? [bandRows] : BAND_CANDIDATES.filter((b) => b < height).concat(height <= 128 ? [height] : []);
  bands.sort((a, b) => b - a);
  const smallestBand = bands[bands.length - 1];
  // Strips of w columns cut evenly; a middle one has the widest cone (the first and last lose a side).
  const stripsOf = (w: number) => cutStrips(width, w);
  const peakOf = (w: number, b: number) => {
    const strips = stripsOf(w);
    return stripPeak(simulated, stripGeometry(simulated, strips[Math.floor(strips.length / 2)], halo, align), batch, b);
  };
  let w = stripWidth != null ? Math.min(stripWidth, width) : width;
  if (stripWidth == null && peakOf(w, smallestBand) > available) {
    // The widest strip (a multiple of the stride) that fits with the smallest band, then strips evened out.
    let lo = 0, hi = Math.ceil(width / align);
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (peakOf(mid * align, smallestBand) <= available) lo = mid;
      else hi = mid;
    }
    w = Math.max(1, lo) * align;
    w = Math.min(width, Math.ceil(width / Math.ceil(width / w) / align) * align);
  }
  const strips = stripsOf(w);
  for (const b of bands) {
    const peak = peakOf(w, b);
    if (peak > available) continue;
    const field = Math.max(...strips.map((cols) => fieldOf(layers, cols)));
    return {strips, bandRows: b, halo: halo ?? field, exact: halo == null || halo >= field, weightBytes,
      peakRowBytes: peak, memoryBytes};
  }
  throw new Error(`tiled U-Net: ${batch}x${height}x${width} needs ${mib(peakOf(w, smallestBand))} of rows in flight ` +
      `with strips ${w} wide and ${smallestBand} rows per step, over the ${mib(available)} a budget of ` +
      `${mib(memoryBytes)} leaves after the weights (${mib(weightBytes)}); raise memoryBytes`);
}

/**
 * Runs `layers` over an image strip by strip and band by band: `read(rows, cols)` gives the input
 * rows and columns asked for ([batch, rows, cols, channels]; it may be a promise: the next band is
 * asked for before the current one is computed, so reading overlaps computing), `write(out, rows,
 * cols)` takes each band of output (disposed after it returns).
 */
export async function runTiles(layers: Layer[], batch: number, plan: TilePlan, align: number,
    read: (rows: Range, cols: Range) => tf.Tensor4D|Promise<tf.Tensor4D>,
    write: (out: tf.Tensor4D, rows: Range, cols: Range) => void|Promise<void>, onProgress?: TileOptions['onProgress']): Promise<void> {
  const height = layers[0].size[0];
  const {bandRows} = plan;
  const bandsPerStrip = Math.ceil(height / bandRows);
  const total = plan.strips.length * bandsPerStrip;
  let done = 0;
  for (const cols of plan.strips) {
    const strip = stripGeometry(layers, cols, plan.exact ? undefined : plan.halo, align);
    const stream = new RowStream(layers, strip, batch, bandRows, false);
    const band = (y: number) => read([y, Math.min(height, y + bandRows)], strip.regions[0]);
    try {
      let next = band(0);
      for (let y = 0; y < height; y += bandRows) {
        const input = await next;
        if (y + bandRows < height) next = band(y + bandRows);
        let emitted: Emitted[];
        try {
          emitted = stream.push(input, Math.min(bandRows, height - y));
        } catch (e) {
          if (y + bandRows < height) void Promise.resolve(next).then((t) => t.dispose(), () => {});
          throw e;
        }
        for (const {out, rows} of emitted) {
          try {
            await write(out, rows, cols);
          } finally {
            out.dispose();
          }
        }
        onProgress?.(++done, total);
      }
      if (!stream.done) throw new Error('tiled U-Net: the stream ended before its last rows (a bug)');
    } finally {
      stream.dispose();
    }
  }
}
