import { useTraffic } from '../api/hooks';
import { Chart } from '../components/Chart';

const COLORS: Record<string, string> = {
  view: 'var(--c1)', add_to_cart: 'var(--c2)', purchase: 'var(--c3)', remove_from_cart: 'var(--c4)', payment: 'var(--c5)',
};

function cssColor(v: string): string {
  const m = /^var\((--[a-z0-9-]+)\)$/.exec(v);
  return m?.[1] ? getComputedStyle(document.documentElement).getPropertyValue(m[1]).trim() || '#888' : v;
}

/** Site traffic per minute of event time, one line per event type. */
export function TrafficChart() {
  const traffic = useTraffic();
  const minutes = traffic.data?.minutes ?? [];
  const types = [...new Set(minutes.flatMap((m) => Object.keys(m.byType)))].sort();
  return (
    <section className="card">
      <h2>Site traffic per minute</h2>
      {traffic.isError ? <p role="alert" className="error">{traffic.error.message}</p> : (
        <Chart
          title="Events per minute by type"
          testId="traffic-chart"
          times={minutes.map((m) => m.minute)}
          series={types.map((t) => ({ label: t, values: minutes.map((m) => m.byType[t] ?? 0), color: cssColor(COLORS[t] ?? 'var(--c6)') }))}
        />
      )}
    </section>
  );
}
