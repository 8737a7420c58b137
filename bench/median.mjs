// The benchmarks' one summary of repeated timings (dependency-free, so the browser page and the
// tile sweep's child processes import it too).

/** The median of `xs` (the mean of the two middle values for an even count); `xs` is not changed. */
export function median(xs) {
  const sorted = [...xs].sort((p, q) => p - q);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
