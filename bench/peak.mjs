// Measures the yardsticks: the f32x4 mul+add peak (and relaxed_madd's, where the engine has relaxed
// SIMD) on one core, and the copy bandwidth, from bench/wasm/peak.ts compiled here.
import asc from 'assemblyscript/asc';
import {readFileSync} from 'node:fs';

async function compile(source, relaxed) {
  const features = relaxed ? ['simd', 'relaxed-simd'] : ['simd'];
  const {binary, error, stderr} = await asc.compileString(source, {optimizeLevel: 3, runtime: 'stub', enable: features});
  if (error) throw new Error(`bench/wasm/peak.ts: ${stderr.toString()}`);
  return binary;
}

// A yardstick is what the machine can do: the best of several runs (a kernel's figure is its median).
const best = (xs) => Math.min(...xs);

function measurePeak(exports, iterations) {
  // acc * 0.9999999 + 1e-7 stays near 1: no denormals, no overflow.
  exports.peakMulAdd(iterations / 10, 0.9999999, 1e-7); // warm-up: optimized code
  const runs = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    exports.peakMulAdd(iterations, 0.9999999, 1e-7);
    runs.push(performance.now() - t);
  }
  return (iterations * 96) / (best(runs) / 1000) / 1e9;
}

/** {simd, relaxed (null when unsupported), copy: {bytes, gbps}} in GFLOP/s and GB/s (read + write). */
export async function measureYardsticks({quick = false} = {}) {
  const source = readFileSync(new URL('./wasm/peak.ts', import.meta.url), 'utf8');
  const iterations = quick ? 2e6 : 1e7;
  const plain = await WebAssembly.instantiate(await compile(source, false));
  const simd = measurePeak(plain.instance.exports, iterations);
  let relaxed = null;
  const relaxedSource = source.replace(/f32x4\.add\(f32x4\.mul\((a\d+), m\), c\)/g, 'f32x4.relaxed_madd($1, m, c)');
  const relaxedBinary = await compile(relaxedSource, true);
  if (WebAssembly.validate(relaxedBinary)) {
    relaxed = measurePeak((await WebAssembly.instantiate(relaxedBinary)).instance.exports, iterations);
  }
  // Copy bandwidth on 16 MiB, the size of the U-Net's largest activations.
  const {memory, copy} = plain.instance.exports;
  const bytes = 16 * 1024 * 1024;
  memory.grow(Math.ceil((2 * bytes + 65536) / 65536));
  const src = 65536;
  const dst = src + bytes;
  copy(dst, src, bytes, 2);
  const runs = [];
  for (let i = 0; i < 9; i++) {
    const t = performance.now();
    copy(dst, src, bytes, 4);
    runs.push(performance.now() - t);
  }
  const gbps = (2 * bytes * 4) / (best(runs) / 1000) / 1e9;
  return {simd, relaxed, copy: {bytes, gbps}};
}
