// Node 20 and 21 run WebAssembly relaxed SIMD (fused multiply-add: 1.3x on the convolutions) only
// behind a V8 flag, which Node 22 and later no longer have (it is on, and the flag is refused as a
// bad option). This module sets the flag on those Nodes; import it before any backend is created:
// the CLI imports it first, the npm scripts load it with `node --import ./cli/relaxed_simd.mjs`.
// It imports nothing else, so a process that loads it has no second copy of anything.
import {setFlagsFromString} from 'node:v8';

if (Number(process.versions.node.split('.')[0]) < 22) setFlagsFromString('--experimental-wasm-relaxed-simd');
