import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatNumber, formatTime } from '../format';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
  dash?: number[];
  fill?: string;
  width?: number;
}

/** A shaded range between two of the series (indexes into `series`). */
export interface ChartBand {
  upper: number;
  lower: number;
  fill: string;
}

export interface ChartMark {
  at: number;
  label: string;
  color: string;
}

export interface ChartProps {
  /** Accessible name; also the caption of the data table behind the chart. */
  title: string;
  /** X values, epoch ms, ascending. */
  times: number[];
  series: ChartSeries[];
  /** Vertical markers (alert transitions). */
  marks?: ChartMark[];
  /** Ranges shaded between two series (e.g. the expected band). */
  bands?: ChartBand[];
  height?: number;
  /** Name of the test id on the wrapper (browser tests read the data table, not pixels). */
  testId?: string;
}

export interface ChartStats {
  updates: number;
  /** ms from setData to the end of the redraw, per update, newest last (bounded). */
  drawMs: number[];
}

declare global {
  interface Window {
    /** Update timings per chart title, read by the browser frame-time benchmark. */
    __hwCharts?: Record<string, ChartStats>;
  }
}

function marksPlugin(get: () => ChartMark[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const ctx = u.ctx;
        for (const m of get()) {
          const x = u.valToPos(m.at / 1000, 'x', true);
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
          ctx.save();
          ctx.strokeStyle = m.color;
          ctx.lineWidth = 2 * devicePixelRatio;
          ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.fillStyle = m.color;
          ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
          ctx.fillText(m.label, x + 4 * devicePixelRatio, u.bbox.top + 14 * devicePixelRatio);
          ctx.restore();
        }
      },
    },
  };
}

/**
 * The one wrapper around uPlot: a time-series chart that follows its container's width,
 * takes new data without being rebuilt, and renders its numbers as a visually hidden
 * table so screen readers (and browser tests) can read what the canvas shows.
 */
export function Chart({ title, times, series, marks = [], bands = [], height = 220, testId }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const marksRef = useRef(marks);
  // When the last setData started; the draw hook turns it into that update's frame cost.
  const pending = useRef<number | null>(null);
  const shape = series.map((s) => `${s.label}|${s.color}|${s.dash?.join(',') ?? ''}|${s.fill ?? ''}|${s.width ?? ''}`).join(';')
    + bands.map((b) => `#${b.upper}-${b.lower}-${b.fill}`).join('');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const styles = getComputedStyle(document.documentElement);
    const axisColor = styles.getPropertyValue('--muted').trim() || '#666';
    const gridColor = styles.getPropertyValue('--grid').trim() || '#ddd';
    const axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 } };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [
        { ...axis, values: (_u, ticks) => ticks.map((t) => formatTime(t * 1000)) },
        { ...axis, size: 56, values: (_u, ticks) => ticks.map((t) => formatNumber(t)) },
      ],
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: s.width ?? 2, ...(s.dash ? { dash: s.dash } : {}), ...(s.fill ? { fill: s.fill } : {}), spanGaps: true }))],
      ...(bands.length > 0 ? { bands: bands.map((b) => ({ series: [b.upper + 1, b.lower + 1] as [number, number], fill: b.fill })) } : {}),
      plugins: [marksPlugin(() => marksRef.current)],
      hooks: {
        draw: [() => {
          if (pending.current === null) return;
          const stats = ((window.__hwCharts ??= {})[title] ??= { updates: 0, drawMs: [] });
          stats.updates++;
          stats.drawMs.push(performance.now() - pending.current);
          if (stats.drawMs.length > 5_000) stats.drawMs.splice(0, stats.drawMs.length - 5_000);
          pending.current = null;
        }],
      },
    };
    const u = new uPlot(opts, [[], ...series.map(() => [])], el);
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Rebuilt only when the series themselves change, not on every data update.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, height]);

  // Redraw only when the numbers changed, not on every render of the page around the chart.
  const signature = JSON.stringify([times, series.map((s) => s.values), marks]);
  useEffect(() => {
    marksRef.current = marks;
    const u = plot.current;
    if (!u) return;
    pending.current = performance.now();
    u.setData([times.map((t) => t / 1000), ...series.map((s) => s.values)] as uPlot.AlignedData);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signature, shape, height]);

  const last = times.length - 1;
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption className="chart-title">{title}</figcaption>
      <div ref={box} className="chart-canvas" role="img" aria-label={`${title} chart`} />
      <table className="visually-hidden" data-points={times.length} data-marks={marks.length}>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">time</th>
            {series.map((s) => <th key={s.label} scope="col">{s.label}</th>)}
          </tr>
        </thead>
        <tbody>
          {times.slice(Math.max(0, last - 59)).map((t, i) => {
            const idx = Math.max(0, last - 59) + i;
            return (
              <tr key={t}>
                <td>{formatTime(t)}</td>
                {series.map((s) => <td key={s.label}>{s.values[idx] ?? ''}</td>)}
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          {marks.map((m) => (
            <tr key={`${m.at}-${m.label}`} data-mark={m.label}>
              <td>{formatTime(m.at, true)}</td>
              <td colSpan={series.length}>{m.label}</td>
            </tr>
          ))}
        </tfoot>
      </table>
    </figure>
  );
}
