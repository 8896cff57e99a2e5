/**
 * Draws the panel data that the SRE integration test read from Prometheus (written to
 * .tmp/sre-panels/panels.json by test/sre/sre.int.test.ts) as one SVG per dashboard, for
 * docs/observability.md: a preview of what each panel shows, made from real data.
 *   tsx scripts/sre/render-panels.ts [panels.json] [out-dir]    (make sre-previews)
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DASHBOARDS } from '../../monitoring/dashboards/build.js';
import { panels as panelsOf } from '../../monitoring/dashboards/spec.js';

interface Series { legend: string; values: [number, number][] }
interface PanelData { title: string; unit: string; series: Series[] }

const W = 520;
const H = 210;
const PAD = { left: 62, right: 12, top: 28, bottom: 50 };
const COLORS = ['#7eb26d', '#eab839', '#6ed0e0', '#ef843c', '#e24d42', '#1f78c1', '#ba43a9', '#705da0', '#508642', '#cca300'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function formatValue(v: number, unit: string): string {
  const abs = Math.abs(v);
  const si = (x: number, suffix = '') => {
    const a = Math.abs(x);
    if (a >= 1e9) return `${(x / 1e9).toFixed(1)}G${suffix}`;
    if (a >= 1e6) return `${(x / 1e6).toFixed(1)}M${suffix}`;
    if (a >= 1e3) return `${(x / 1e3).toFixed(1)}k${suffix}`;
    return `${Number(x.toPrecision(3))}${suffix}`;
  };
  switch (unit) {
    case 'bytes': return abs >= 2 ** 20 ? `${(v / 2 ** 20).toFixed(0)} MiB` : `${(v / 1024).toFixed(0)} KiB`;
    case 's': return abs >= 1 || v === 0 ? `${Number(v.toPrecision(3))} s` : abs >= 1e-3 ? `${Number((v * 1e3).toPrecision(3))} ms` : `${Number((v * 1e6).toPrecision(3))} µs`;
    case 'percentunit': return `${Number((v * 100).toPrecision(3))}%`;
    case 'reqps': return `${si(v)}/s`;
    case 'ops': return `${si(v)} ops/s`;
    case 'x': return `${Number(v.toPrecision(3))}x`;
    default: return si(v);
  }
}

function timeseries(p: PanelData, x0: number, y0: number): string {
  const points = p.series.flatMap((s) => s.values);
  const out: string[] = [];
  if (points.length === 0) {
    out.push(`<text x="${x0 + W / 2}" y="${y0 + H / 2}" text-anchor="middle" fill="#8e8e8e" font-size="13">No data (a panel that may be empty)</text>`);
    return out.join('');
  }
  const t0 = Math.min(...points.map((v) => v[0]));
  const t1 = Math.max(...points.map((v) => v[0]), t0 + 1);
  let lo = Math.min(0, ...points.map((v) => v[1]).filter(Number.isFinite));
  let hi = Math.max(...points.map((v) => v[1]).filter(Number.isFinite));
  if (!(hi > lo)) hi = lo + 1;
  if (lo < 0) lo *= 1.05;
  hi *= 1.05;
  const pw = W - PAD.left - PAD.right;
  const ph = H - PAD.top - PAD.bottom;
  const x = (t: number) => x0 + PAD.left + ((t - t0) / (t1 - t0)) * pw;
  const y = (v: number) => y0 + PAD.top + ph - ((v - lo) / (hi - lo)) * ph;
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    out.push(`<line x1="${x0 + PAD.left}" x2="${x0 + W - PAD.right}" y1="${y(v)}" y2="${y(v)}" stroke="#2c3235"/>`);
    out.push(`<text x="${x0 + PAD.left - 6}" y="${y(v) + 4}" text-anchor="end" fill="#9fa7b3" font-size="10">${esc(formatValue(v, p.unit))}</text>`);
  }
  const secs = Math.round(t1 - t0);
  const span = secs >= 120 ? `${Math.round(secs / 60)} min` : `${secs} s`;
  out.push(`<text x="${x0 + W - PAD.right}" y="${y0 + H - PAD.bottom + 14}" text-anchor="end" fill="#9fa7b3" font-size="10">${span} of the run</text>`);
  p.series.slice(0, COLORS.length).forEach((s, i) => {
    const d = s.values.filter((v) => Number.isFinite(v[1])).map((v, k) => `${k === 0 ? 'M' : 'L'}${x(v[0]).toFixed(1)},${y(v[1]).toFixed(1)}`).join('');
    out.push(`<path d="${d}" fill="none" stroke="${COLORS[i]}" stroke-width="1.6"/>`);
  });
  p.series.slice(0, 4).forEach((s, i) => {
    const lx = x0 + PAD.left + (i % 2) * (pw / 2);
    const ly = y0 + H - 22 + Math.floor(i / 2) * 13;
    out.push(`<rect x="${lx}" y="${ly - 8}" width="10" height="3" fill="${COLORS[i]}"/>`);
    out.push(`<text x="${lx + 14}" y="${ly - 3}" fill="#ccccdc" font-size="10">${esc(s.legend.slice(0, 38))}</text>`);
  });
  if (p.series.length > 4) out.push(`<text x="${x0 + W - PAD.right}" y="${y0 + H - 6}" text-anchor="end" fill="#8e8e8e" font-size="10">+${p.series.length - 4} more</text>`);
  return out.join('');
}

function bars(p: PanelData, x0: number, y0: number): string {
  const last = p.series.map((s) => ({ legend: s.legend, v: s.values.at(-1)?.[1] ?? 0 })).sort((a, b) => b.v - a.v).slice(0, 7);
  if (last.length === 0) return timeseries(p, x0, y0);
  const max = Math.max(...last.map((l) => l.v), 1e-9);
  return last.map((l, i) => {
    const yy = y0 + PAD.top + 6 + i * 24;
    const bw = ((W - 220) * Math.max(0, l.v)) / max;
    return `<text x="${x0 + 12}" y="${yy + 12}" fill="#ccccdc" font-size="11">${esc(l.legend.slice(0, 26))}</text>`
      + `<rect x="${x0 + 170}" y="${yy}" width="${bw.toFixed(1)}" height="16" fill="#73bf69"/>`
      + `<text x="${x0 + 176 + bw}" y="${yy + 12}" fill="#ccccdc" font-size="11">${esc(formatValue(l.v, p.unit))}</text>`;
  }).join('');
}

function stat(p: PanelData, x0: number, y0: number): string {
  const vals = p.series.map((s) => ({ legend: s.legend, v: s.values.at(-1)?.[1] }));
  if (vals.length === 0) return timeseries(p, x0, y0);
  const w = W / vals.length;
  return vals.map((s, i) => `<text x="${x0 + w * i + w / 2}" y="${y0 + H / 2 + 10}" text-anchor="middle" fill="#73bf69" font-size="34" font-weight="600">${esc(s.v === undefined ? '–' : formatValue(s.v, p.unit))}</text>`
    + `<text x="${x0 + w * i + w / 2}" y="${y0 + H / 2 + 34}" text-anchor="middle" fill="#9fa7b3" font-size="11">${esc(s.legend)}</text>`).join('');
}

export function renderDashboard(title: string, data: readonly PanelData[], kinds: readonly (string | undefined)[]): string {
  const cols = 2;
  const rows = Math.ceil(data.length / cols);
  const width = cols * W + (cols + 1) * 10;
  const height = 40 + rows * (H + 10);
  const body = data.map((p, i) => {
    const x0 = 10 + (i % cols) * (W + 10);
    const y0 = 40 + Math.floor(i / cols) * (H + 10);
    const kind = kinds[i];
    const inner = kind === 'bargauge' ? bars(p, x0, y0) : kind === 'stat' ? stat(p, x0, y0) : timeseries(p, x0, y0);
    return `<rect x="${x0}" y="${y0}" width="${W}" height="${H}" rx="3" fill="#181b1f" stroke="#2c3235"/>`
      + `<text x="${x0 + 10}" y="${y0 + 18}" fill="#ccccdc" font-size="13" font-weight="600">${esc(p.title)}</text>${inner}`;
  }).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Inter, Helvetica, Arial, sans-serif">
<rect width="100%" height="100%" fill="#111217"/>
<text x="12" y="26" fill="#ccccdc" font-size="17" font-weight="600">${esc(title)} — preview from the SRE integration test's Prometheus</text>
${body}
</svg>
`;
}

async function main(): Promise<void> {
  const root = resolve(import.meta.dirname, '..', '..');
  const input = process.argv[2] ?? join(root, '.tmp', 'sre-panels', 'panels.json');
  const outDir = process.argv[3] ?? join(root, 'docs', 'observability');
  const snapshot = JSON.parse(await readFile(input, 'utf8')) as Record<string, PanelData[]>;
  await mkdir(outDir, { recursive: true });
  for (const d of DASHBOARDS) {
    const data = snapshot[d.file];
    if (!data) throw new Error(`${input} has no panels for ${d.file}: run make test-sre first`);
    const kinds = panelsOf(d).map((p) => p.kind);
    await writeFile(join(outDir, `${d.file}.svg`), renderDashboard(d.title, data, kinds));
    console.log(`render-panels: wrote ${join(outDir, `${d.file}.svg`)}`);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) await main();
