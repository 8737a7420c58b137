// Generates assembly/kernels/igemm_tile.ts: the igemm microkernels, and src/generated/igemm_tiles.ts:
// their names for the host. A tile keeps an MR x 8 block of C in 2 * MR f32x4 registers, with the k
// loop unrolled UNROLL times so every A and B load uses a static offset. LOAD is how a row's A value
// is broadcast: 'loadsplat' (v128.load32_splat per value) or 'splat' (one v128.load per 4 values,
// then a lane shuffle per value). A tile is named by what it is, XNNPACK's way: `4x8-splat`.
// Each build of the module holds its own tiles (plain SIMD, or relaxed SIMD's f32x4.relaxed_madd);
// the host picks among those of its flavor at run time (src/conv/gemm_tiles.ts: x86 or ARM by
// XNNPACK's rule, x86's default NaN being negative and ARM's positive; then the host's first tile
// unless a short calibration finds another clearly faster, as which is faster depends on the
// engine: measured with bench/tiles.mjs on one Zen 4,
// V8 11 (Node 20) runs 8x8-splat fastest with relaxed SIMD (41.9 against 28.7 GFLOP/s for
// 8x8-loadsplat on a 3x3 conv) and V8 13 (Node 24) 8x8-loadsplat (47.4 against 39.8). Plain SIMD has
// no fused multiply-add, so a product needs a temporary and 8 accumulators (4 rows) is the most
// x86's 16 registers hold without spilling. ARM: 6x8-loadsplat (32 NEON registers hold 12
// accumulators; a load-and-duplicate is one instruction).
// Usage: node scripts/gen-igemm.mjs [simd|relaxed MR UNROLL LOAD]...  (bench/tiles.mjs: that build's
// x86 tiles become just the one given)
import {mkdirSync, writeFileSync} from 'node:fs';

/**
 * The tiles of each build, in the order of their index: per host, the first is the default, kept
 * unless the calibration finds another clearly faster (src/conv/gemm_tiles.ts).
 */
const TILES = {
  simd: [
    {mr: 4, unroll: 4, load: 'splat', hosts: ['x86']},
    {mr: 6, unroll: 4, load: 'loadsplat', hosts: ['x86', 'arm']},
  ],
  relaxed: [
    {mr: 8, unroll: 4, load: 'loadsplat', hosts: ['x86']},
    {mr: 8, unroll: 4, load: 'splat', hosts: ['x86']},
    {mr: 6, unroll: 4, load: 'loadsplat', hosts: ['arm']},
  ],
};
/** igemm (assembly/kernels/igemm.ts) dispatches at most this many tiles per build. */
const MAX_TILES = 3;
const nameOf = (t) => `${t.mr}x8-${t.load}`;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 4) {
  const [build, mr, unroll, load] = args.slice(i, i + 4);
  if (!(build in TILES) || !(Number(mr) > 0) || !(Number(unroll) > 0) || !['splat', 'loadsplat'].includes(load)) {
    throw new Error(`usage: gen-igemm.mjs [simd|relaxed MR UNROLL LOAD]..., got ${args.slice(i, i + 4).join(' ')}`);
  }
  const swept = {mr: Number(mr), unroll: Number(unroll), load, hosts: ['x86']};
  const arm = TILES[build].filter((t) => t.hosts.includes('arm')).map((t) => ({...t, hosts: ['arm']}));
  // An ARM tile of the swept tile's name is replaced by it too (a build names a tile once).
  if (arm.some((t) => nameOf(t) === nameOf(swept))) swept.hosts.push('arm');
  TILES[build] = [swept, ...arm.filter((t) => nameOf(t) !== nameOf(swept))];
}
/** The AssemblyScript function of a tile: igemm4x8SplatSimd. */
const functionOf = (t, build) => `igemm${t.mr}x8${t.load[0].toUpperCase()}${t.load.slice(1)}${build[0].toUpperCase()}${build.slice(1)}`;
for (const [build, tiles] of Object.entries(TILES)) {
  if (tiles.length > MAX_TILES) throw new Error(`the ${build} build has ${tiles.length} tiles; igemm dispatches at most ${MAX_TILES}`);
  const names = tiles.map(nameOf);
  if (new Set(names).size !== names.length) throw new Error(`the ${build} build names a tile twice: ${names.join(', ')}`);
}

const lines = [];
const emit = (s = '') => lines.push(s);

function tile(build, t) {
  const {mr: MR, unroll: UNROLL, load} = t;
  if (load === 'splat' && UNROLL % 4 !== 0) throw new Error('the splat variant needs UNROLL a multiple of 4');
  const rows = [...Array(MR).keys()];
  const step = (u, indent, how = load) => {
    const pad = ' '.repeat(indent);
    if (how === 'splat' && u % 4 === 0) {
      for (const r of rows) emit(`${pad}const v${r}_${u} = v128.load(a${r}, ${u * 4});`);
    }
    emit(`${pad}w0 = v128.load(wp, ${u * 32}); w1 = v128.load(wp, ${u * 32 + 16});`);
    for (const r of rows) {
      const lane = u % 4;
      const base = u - lane;
      emit(how === 'splat' ? `${pad}va = i32x4.shuffle(v${r}_${base}, v${r}_${base}, ${lane}, ${lane}, ${lane}, ${lane});` :
          `${pad}va = v128.load32_splat(a${r}, ${u * 4});`);
      emit(`${pad}c${r}0 = madd(va, w0, c${r}0); c${r}1 = madd(va, w1, c${r}1);`);
    }
  };
  emit(`/** Tile ${nameOf(t)} of the ${build} build: ${MR}x8, k unrolled ${UNROLL}x, A by ${load}. */`);
  emit('// @ts-ignore: decorator');
  emit('@inline');
  emit(`export function ${functionOf(t, build)}(a: usize, taps: i32, kc: i32, w: usize, c: usize, column: usize, rows: i32,`);
  emit('  valid: i32, low: v128, high: v128, act: bool, activation: i32, alpha: v128): void {');
  emit('  const b0 = v128.load(w), b1 = v128.load(w, 16);');
  emit(`  let ${rows.map((r) => `c${r}0 = b0, c${r}1 = b1`).join(', ')};`);
  emit('  let w0: v128, w1: v128, va: v128;');
  emit('  let wp = w + 32;');
  emit('  for (let t = 0; t < taps; t++) {');
  emit(`    const p = a + (<usize>(t * ${MR}) << 2);`);
  for (const r of rows) emit(`    let a${r} = <usize>load<u32>(p, ${r * 4});`);
  emit('    let k = 0;');
  emit(`    for (; k + ${UNROLL} <= kc; k += ${UNROLL}) {`);
  for (let u = 0; u < UNROLL; u++) step(u, 6);
  emit(`      wp += ${UNROLL * 32};`);
  emit(`      ${rows.map((r) => `a${r} += ${UNROLL * 4};`).join(' ')}`);
  emit('    }');
  emit('    for (; k < kc; k++) {');
  step(0, 6, 'loadsplat');
  emit('      wp += 32;');
  emit(`      ${rows.map((r) => `a${r} += 4;`).join(' ')}`);
  emit('    }');
  emit('  }');
  for (const r of rows) {
    const call = `storeRow(<usize>load<u32>(c, ${r * 4}) + column, c${r}0, c${r}1, valid, low, high, act, activation, alpha);`;
    emit(r === 0 ? `  ${call}` : `  if (rows > ${r}) ${call}`);
  }
  emit('}');
  emit();
}

const summary = Object.entries(TILES).map(([build, tiles]) =>
  `${build}: ${tiles.map((t) => `${nameOf(t)} (k x${t.unroll}, ${t.hosts.join('/')})`).join(', ')}`).join('; ');
emit('// Generated by scripts/gen-igemm.mjs: do not edit.');
emit(`// The igemm microkernels of each build: ${summary}.`);
emit('// `a` holds taps x MR row pointers, `w` one packed block (8 bias values, then taps x kc rows of 8');
emit('// weights), `c` the row pointers of C; `rows` and `valid` say how much of the tile is real.');
emit('import { storeRow } from "./igemm_store";');
emit('import { madd } from "./madd";');
emit();
for (const [build, tiles] of Object.entries(TILES)) for (const t of tiles) tile(build, t);
const count = (build) => TILES[build].length;
emit('/** How many tiles this build holds. */');
emit(`export const IGEMM_TILE_COUNT: i32 = ASC_FEATURE_RELAXED_SIMD ? ${count('relaxed')} : ${count('simd')};`);
emit();
emit('/** Rows of C per tile in this build. */');
emit('export function igemmTileRows(tile: i32): i32 {');
for (const build of ['relaxed', 'simd']) {
  emit(`  ${build === 'relaxed' ? 'if (ASC_FEATURE_RELAXED_SIMD)' : 'else'} {`);
  TILES[build].forEach((t, i) => emit(`    if (tile == ${i}) return ${t.mr};`));
  emit('  }');
}
emit('  return 0;');
emit('}');
emit();
emit('/** Tile `tile` of this build; `tile` is a constant at each call site, so the branches fold away. */');
emit('// @ts-ignore: decorator');
emit('@inline');
emit('export function igemmTile(tile: i32, a: usize, taps: i32, kc: i32, w: usize, c: usize, column: usize, rows: i32,');
emit('  valid: i32, low: v128, high: v128, act: bool, activation: i32, alpha: v128): void {');
for (const build of ['relaxed', 'simd']) {
  emit(`  ${build === 'relaxed' ? 'if (ASC_FEATURE_RELAXED_SIMD)' : 'else'} {`);
  TILES[build].forEach((t, i) => emit(`    ${i ? 'else ' : ''}if (tile == ${i}) ${functionOf(t, build)}(a, taps, kc, w, c, column, rows, valid, low, high, act, activation, alpha);`));
  emit('  }');
}
emit('}');
emit();
writeFileSync('assembly/kernels/igemm_tile.ts', lines.join('\n'));
mkdirSync('src/generated', {recursive: true});
const hostTable = (tiles) => tiles.map((t) => ({name: nameOf(t), rows: t.mr, hosts: t.hosts}));
writeFileSync('src/generated/igemm_tiles.ts', [
  '// Generated by scripts/gen-igemm.mjs: do not edit.',
  '/** The igemm tiles of each build of the module, by index: a name, its rows of C and the host flavors it is for. */',
  "export const IGEMM_TILES: Readonly<Record<'simd'|'relaxed', ReadonlyArray<{name: string, rows: number, hosts: ReadonlyArray<'x86'|'arm'>}>>> =",
  `  ${JSON.stringify({simd: hostTable(TILES.simd), relaxed: hostTable(TILES.relaxed)})};`,
  ''].join('\n'));
console.log(`assembly/kernels/igemm_tile.ts: ${summary}`);
