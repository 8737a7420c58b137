// Renders a benchmark result as an SVG bar chart: compute cases in GFLOP/s against the mul+add
// peak, memory-bound cases in GB/s against the copy bandwidth, one bar per backend.
const COLORS = {
  'asc': '#2b7a4b', 'asc-plain': '#8cc7a1', 'asc-2t': '#14452a', 'wasm': '#4c72b0', 'onnxruntime-web': '#dd8452',
  'onnxruntime-web-2t': '#9c4a17', 'litert': '#8172b3', 'litert-2t': '#4b3d8f', 'cpu': '#999999',
};
const NAMES = {
  'asc': 'asc', 'asc-plain': 'asc (plain SIMD)', 'asc-2t': 'asc, 2 threads', 'wasm': 'tfjs-backend-wasm',
  'onnxruntime-web': 'onnxruntime-web', 'onnxruntime-web-2t': 'onnxruntime-web, 2 threads', 'litert': 'LiteRT.js',
  'litert-2t': 'LiteRT.js, 2 threads', 'cpu': 'tfjs-backend-cpu',
};

function panel(title, cases, rows, metric, unit, yardstick, yardstickLabel, top) {
  const backends = Object.keys(COLORS).filter((b) => rows.some((r) => r.backend === b && cases.includes(r.case)));
  const bar = 9;
  const gap = 10;
  const labelWidth = 250;
  const plotWidth = 560;
  const max = Math.max(yardstick, ...rows.filter((r) => cases.includes(r.case)).map((r) => r[metric]));
  const scale = plotWidth / max;
  const parts = [`<text x="10" y="${top + 16}" font-size="14" font-weight="bold">${title}</text>`];
  let y = top + 30;
  for (const c of cases) {
    const height = backends.length * bar;
    parts.push(`<text x="${labelWidth - 6}" y="${y + height / 2 + 4}" font-size="11" text-anchor="end">${c}</text>`);
    backends.forEach((b, i) => {
      const row = rows.find((r) => r.case === c && r.backend === b);
      if (row == null) return;
      const w = Math.max(1, row[metric] * scale);
      parts.push(`<rect x="${labelWidth}" y="${y + i * bar}" width="${w.toFixed(1)}" height="${bar - 1}" fill="${COLORS[b]}"/>`);
      parts.push(`<text x="${labelWidth + w + 3}" y="${y + i * bar + bar - 1.5}" font-size="8">${row[metric].toFixed(1)}</text>`);
    });
    y += height + gap;
  }
  const x = labelWidth + yardstick * scale;
  parts.push(`<line x1="${x}" y1="${top + 26}" x2="${x}" y2="${y - gap + 2}" stroke="#c44" stroke-dasharray="4 3"/>`);
  parts.push(`<text x="${x - 4}" y="${top + 24}" font-size="10" fill="#c44" text-anchor="end">${yardstickLabel} ${yardstick.toFixed(1)} ${unit}</text>`);
  parts.push(`<text x="${labelWidth + plotWidth}" y="${y + 6}" font-size="10" text-anchor="end">${unit}</text>`);
  return {svg: parts.join('\n'), bottom: y + 14, backends};
}

export function renderChart({date, machine, quick, yardsticks, rows}) {
  const cases = [...new Set(rows.map((r) => r.case))];
  const compute = cases.filter((c) => rows.some((r) => r.case === c && r.gflops != null));
  const memory = cases.filter((c) => rows.some((r) => r.case === c && r.gbps != null));
  const peak = Math.max(yardsticks.simd, yardsticks.relaxed ?? 0);
  const a = panel('Compute: GFLOP/s (one thread unless marked)', compute, rows, 'gflops', 'GFLOP/s', peak, 'one-core peak', 30);
  const b = panel('Memory-bound: GB/s (bytes read + written)', memory, rows, 'gbps', 'GB/s', yardsticks.copy.gbps, 'copy', a.bottom);
  const backends = [...new Set([...a.backends, ...b.backends])];
  // Four legend entries per line.
  const legend = backends.map((k, i) => {
    const x = 10 + (i % 4) * 220, y = b.bottom + 4 + Math.floor(i / 4) * 16;
    return `<rect x="${x}" y="${y}" width="10" height="10" fill="${COLORS[k]}"/>` +
      `<text x="${x + 14}" y="${y + 9}" font-size="11">${NAMES[k]}</text>`;
  }).join('\n');
  const height = b.bottom + 8 + Math.ceil(backends.length / 4) * 16;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="18" font-size="12">tfjs-backend-asc benchmark${quick ? ' (quick)' : ''}, ${date.slice(0, 10)}: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}</text>
${a.svg}
${b.svg}
${legend}
</svg>
`;
}
