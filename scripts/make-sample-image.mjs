// Writes assets/sample.png, the image `asc-unet segment` and the demo page use when given none: a
// 256x256 synthetic cell image from set 3 (training uses set 1, validation set 2), the least crowded
// of its first 20 (so the picture shows background too), and assets/sample.truth.png, its exact
// mask. Usage: npm run build && node scripts/make-sample-image.mjs
import {syntheticImage} from '../dist/unet.js';
import {writePng} from '../cli/images.mjs';

const SIZE = 256;
const coverage = ({mask}) => mask.reduce((sum, m) => sum + m, 0);
const candidates = Array.from({length: 20}, (_, i) => syntheticImage(3, i, SIZE));
const {image, mask} = candidates.reduce((best, c) => (coverage(c) < coverage(best) ? c : best));
const rgba = new Uint8Array(SIZE * SIZE * 4);
const truth = new Uint8Array(SIZE * SIZE * 4);
for (let i = 0; i < SIZE * SIZE; i++) {
  for (let c = 0; c < 3; c++) rgba[4 * i + c] = Math.round(image[3 * i + c] * 255);
  rgba[4 * i + 3] = 255;
  truth.set(mask[i] ? [255, 255, 255, 255] : [0, 0, 0, 255], 4 * i);
}
writePng(new URL('../assets/sample.png', import.meta.url).pathname, {width: SIZE, height: SIZE, data: rgba});
writePng(new URL('../assets/sample.truth.png', import.meta.url).pathname, {width: SIZE, height: SIZE, data: truth});
