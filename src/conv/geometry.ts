// asc's convolution geometry, stated once: which algorithms a 3x3 convolution may take, the
// Winograd tiles' sizes, and how many bytes each keeps per filter. The kernels follow it, and the
// U-Net's memory estimate and tiled graph read it (this file imports nothing, so the U-Net's bundle
// takes it without the backend).

/** The algorithms of a 3x3 stride-1 convolution: direct (indirect GEMM), Winograd F(2,3), F(4,3). */
export type ConvAlgorithm = 'direct'|'F(2,3)'|'F(4,3)';
export type WinogradAlgorithm = Exclude<ConvAlgorithm, 'direct'>;

/** The flag ASC_WINOGRAD: true (the cost model chooses per filter), false (always direct), or one forced tile. */
export type WinogradSetting = boolean|WinogradAlgorithm;

/** Outputs per side of a Winograd tile F(m, 3): m. */
export const WINOGRAD_OUTPUTS: Readonly<Record<WinogradAlgorithm, number>> = {'F(2,3)': 2, 'F(4,3)': 4};

/** Frequencies per tile: the (m + 2)^2 input window's. */
export const winogradFrequencies = (algorithm: WinogradAlgorithm): number => (WINOGRAD_OUTPUTS[algorithm] + 2) ** 2;

/** Below this many input or output channels the transforms cost more than the multiplies they save. */
export const WINOGRAD_MIN_CHANNELS = 8;

/**
 * Tiles start on multiples of this from a map's origin whatever the tile (4 is a multiple of both
 * sizes), so a band or strip computed from a multiple of it covers the same pixels with the same
 * tiles as the whole image does, and rounds alike.
 */
export const WINOGRAD_ALIGN = 4;

/** What decides whether a convolution may run by Winograd (tfjs's Conv2DInfo has these fields). */
export interface ConvShape {
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  inChannels: number;
  outChannels: number;
}

/** Whether a convolution may run by Winograd: 3x3, stride 1, dilation 1, enough channels both ways. */
export function winogradApplies(c: ConvShape): boolean {
  return c.filterHeight === 3 && c.filterWidth === 3 && c.strideHeight === 1 && c.strideWidth === 1 &&
      c.dilationHeight === 1 && c.dilationWidth === 1 && c.inChannels >= WINOGRAD_MIN_CHANNELS &&
      c.outChannels >= WINOGRAD_MIN_CHANNELS;
}

/**
 * The packed form asc keeps of a filter, in filter bytes: the GEMM's copy (the filter, plus a bias
 * block and columns rounded up to 8: at most ~10% more on the U-Net) or Winograd's transformed
 * filters (a frequency per tap's worth of the 9 taps), rounded up alike.
 */
export function packedFilterFactor(algorithm: ConvAlgorithm): number {
  return (algorithm === 'direct' ? 1 : winogradFrequencies(algorithm) / 9) + 0.1;
}

/** The algorithm a setting usually gives a large 3x3 convolution: the cost model picks F(4,3) for all but tiny maps. */
export function usualConv3Algorithm(setting: WinogradSetting): ConvAlgorithm {
  return setting === false ? 'direct' : setting === true ? 'F(4,3)' : setting;
}
