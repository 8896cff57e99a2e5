/**
 * Frame time of a live chart over sustained updates: the Live view of a real `herdwatch dev`
 * in headless Chromium, its traffic chart refetched and redrawn every second. Per minute:
 * chart updates, the redraw cost per update (setData to the end of uPlot's draw, p50/p95)
 * and the browser's frame interval (requestAnimationFrame, p95), plus the JS heap. Flat means
 * the last minute costs what the first did; the ratio is printed.
 *
 *   tsx bench/web-frame-time.ts [--minutes 10] [--write]
 */
import { writeSection } from './quality/section.js';
import { launchBrowser, newPage, startDev } from '../test/web/harness.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const minutes = arg('--minutes', 10);
const CHART = 'Events per minute by type';

const q = (xs: number[], p: number) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};

const dev = await startDev(['--speed', '60'], 5);
const browser = await launchBrowser();
try {
  const page = await newPage(browser);
  await page.goto(dev.url);
  await page.getByRole('heading', { name: 'Trending now' }).waitFor();
  // Frame intervals as the page experiences them, collected in the page.
  await page.evaluate(`(() => { window.__hwFrames = []; let last = performance.now();
    const tick = (t) => { window.__hwFrames.push(t - last); last = t; requestAnimationFrame(tick); }; requestAnimationFrame(tick); })()`);
  const rows: { minute: number; updates: number; p50: number; p95: number; frameP95: number; heapMiB: number }[] = [];
  for (let m = 1; m <= minutes; m++) {
    await page.waitForTimeout(60_000);
    const sample = await page.evaluate<{ draw: number[]; updates: number; frames: number[]; heap: number }>(`(() => {
      const c = window.__hwCharts?.[${JSON.stringify(CHART)}] ?? { drawMs: [], updates: 0 };
      const out = { draw: c.drawMs.splice(0), updates: c.updates, frames: window.__hwFrames.splice(0), heap: performance.memory?.usedJSHeapSize ?? 0 };
      c.updates = 0; return out; })()`);
    rows.push({ minute: m, updates: sample.updates, p50: q(sample.draw, 0.5), p95: q(sample.draw, 0.95), frameP95: q(sample.frames, 0.95), heapMiB: sample.heap / 2 ** 20 });
    console.error(`minute ${m}: ${sample.updates} updates, draw p95 ${q(sample.draw, 0.95).toFixed(2)} ms, frame p95 ${q(sample.frames, 0.95).toFixed(1)} ms`);
  }
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '–');
  const body = [
    `The Live view of \`herdwatch dev\` (simulator at 60×) in headless Chromium (Debian package) at 1280×800 for ${minutes} minute(s);`,
    'its traffic chart (uPlot, 4 series × up to 60 points) is refetched and redrawn every second. "Redraw" is the time from',
    '`setData` to the end of uPlot\'s draw; "frame" is the interval between animation frames (16.7 ms at 60 Hz).',
    `Reproduce: \`make bench-web-frames\` (\`tsx bench/web-frame-time.ts --minutes ${minutes} --write\`).`,
    '',
    '| minute | chart updates | redraw p50 (ms) | redraw p95 (ms) | frame p95 (ms) | JS heap (MiB) |',
    '|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.minute} | ${r.updates} | ${f(r.p50)} | ${f(r.p95)} | ${f(r.frameP95, 1)} | ${f(r.heapMiB, 1)} |`),
    '',
    `Last minute vs first: redraw p50 ×${f(last.p50 / first.p50)}, redraw p95 ×${f(last.p95 / first.p95)}, frame p95 ×${f(last.frameP95 / first.frameP95)}, heap ×${f(last.heapMiB / first.heapMiB)}.`,
    'The chart redraws only when the numbers change (a new minute of event time), so "chart updates" counts changes, not',
    'refetches. On a machine shared with other jobs the p95 column swings with their load; p50, frame time and heap show the trend.',
  ].join('\n');
  console.log(body);
  if (process.argv.includes('--write')) await writeSection(new URL('../docs/benchmarks.md', import.meta.url).pathname, 'Web app: live chart frame time', body);
} finally {
  await browser.close();
  await dev.stop();
}
