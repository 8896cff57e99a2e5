/** A tiny inline trend line (SVG): too small to need the chart library. */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  if (values.length < 2) return <span className="sparkline-empty" aria-label={`${label}: not enough data yet`}>–</span>;
  const w = 96;
  const h = 24;
  const max = Math.max(...values, 1e-9);
  const min = Math.min(...values, 0);
  const step = w / (values.length - 1);
  const pts = values.map((v, i) => `${(i * step).toFixed(1)},${(h - ((v - min) / (max - min || 1)) * (h - 2) - 1).toFixed(1)}`).join(' ');
  return (
    <svg className="sparkline" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
      <polyline points={pts} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}
