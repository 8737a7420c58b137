// Copies that are mostly short (one pixel's channels, one row): a SIMD loop, since calling
// memory.copy costs more than moving a few hundred bytes; long blocks go to memory.copy. Source and
// destination do not overlap.

const LONG_COPY: usize = 4096;

// @ts-ignore: decorator
@inline
export function copyBytes(dst: usize, src: usize, bytes: usize): void {
  if (bytes >= LONG_COPY) {
    memory.copy(dst, src, bytes);
    return;
  }
  let off: usize = 0;
  for (; off + 64 <= bytes; off += 64) {
    v128.store(dst + off, v128.load(src + off));
    v128.store(dst + off, v128.load(src + off, 16), 16);
    v128.store(dst + off, v128.load(src + off, 32), 32);
    v128.store(dst + off, v128.load(src + off, 48), 48);
  }
  for (; off + 16 <= bytes; off += 16) v128.store(dst + off, v128.load(src + off));
  if (off < bytes && bytes >= 16) {
    // The last 16 bytes in one vector, overlapping what was copied (an RGB patch row of 36 bytes: 3 vectors).
    v128.store(dst + bytes - 16, v128.load(src + bytes - 16));
    return;
  }
  for (; off + 4 <= bytes; off += 4) store<u32>(dst + off, load<u32>(src + off));
  for (; off < bytes; off++) store<u8>(dst + off, load<u8>(src + off));
}
