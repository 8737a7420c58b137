// A small seeded generator with no side effects, so benchmarks can draw the tests' weights without
// loading the backend (helpers.mjs does, and re-exports it).

/** mulberry32: a small seeded generator, so every case is reproducible. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
