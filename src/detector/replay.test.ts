import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Transition } from '../engine/types.js';
import { createDetectorMetrics } from '../metrics/detector.js';
import { createRegistry } from '../metrics/registry.js';
import { loadRuleFiles } from '../rules/index.js';
import { readEventsFile, replayEvents } from './replay.js';
import { createDetectorRunner } from './runner.js';

// The repository's copy of the sample export (../shared/data), so the test runs from any checkout.
const CSV = new URL('../events/testdata/transactions.csv', import.meta.url).pathname;
const RULES = new URL('../../k8s/examples', import.meta.url).pathname;

/*
 * Expected flags, read off the CSV by hand (not from engine output):
 * - amount > 50,000: only transaction 3 (U001, 56,000).
 * - more than 3 purchases by one user within 10 minutes: nobody. Each user buys about every
 *   40 minutes; the closest pair is U001's transactions 1 and 3 (10:05, 10:07) — two, not four.
 * - a location new for that user after their first purchase: transactions 1–21 are each
 *   user's first purchase (U001 twice, both Mumbai, so 3 is not new); from 22 on, users
 *   come round every 20 rows and every later purchase is from a city that user has not
 *   used before — so 22 through 100, all 79 of them.
 * The purchase rules key on userId; the surge rules key on productId, which the CSV lacks.
 */
const HIGH_AMOUNT = ['3'];
const NEW_LOCATION = Array.from({ length: 79 }, (_, i) => String(22 + i));

const rows = new Map(readFileSync(CSV, 'utf8').trim().split('\n').slice(1).map((line) => {
  const [id, user, amount, , location] = line.split(',');
  return [id!, { user: user!, amount: Number(amount), location: location! }] as const;
}));

async function replay(speed?: number): Promise<Transition[]> {
  const rules = await loadRuleFiles(RULES);
  const runner = createDetectorRunner({ rules: rules.map((l) => l.compiled) });
  const input = await readEventsFile(CSV);
  expect(input.rejected).toEqual([]);
  if (speed === undefined) return replayEvents(runner, input.events);
  // Paced replay with a simulated wall clock: sleeping advances it.
  let now = 0;
  return replayEvents(runner, input.events, { speed, clock: () => now, sleep: async (ms) => void (now += ms) });
}

function flagged(transitions: readonly Transition[], rule: string): Map<string, Transition> {
  const out = new Map<string, Transition>();
  for (const t of transitions) {
    if (t.state !== 'firing' || !t.rule.endsWith(`/${rule}`)) continue;
    for (const id of t.eventIds ?? []) out.set(id, t);
  }
  return out;
}

describe('replaying the transactions export through k8s/examples', () => {
  it('flags exactly the expected transactions, for the expected reasons', async () => {
    const out = await replay();
    const amount = flagged(out, 'high-amount');
    expect([...amount.keys()]).toEqual(HIGH_AMOUNT);
    expect(amount.get('3')).toMatchObject({ key: 'U001', value: 56_000, baseline: 50_000, detector: 'threshold', severity: 'critical' });

    const location = flagged(out, 'new-location');
    expect([...location.keys()].sort((a, b) => Number(a) - Number(b))).toEqual(NEW_LOCATION);
    for (const [id, t] of location) {
      const row = rows.get(id)!;
      expect(t.key).toBe(row.user);
      expect(t.reason).toContain(row.location);
    }

    expect(out.filter((t) => t.rule.endsWith('/purchase-velocity'))).toEqual([]);
    expect(out.filter((t) => t.detector === 'surge')).toEqual([]);
    // Every firing is one alert: no firing id repeats.
    const firingIds = out.filter((t) => t.state === 'firing').map((t) => t.id);
    expect(new Set(firingIds).size).toBe(firingIds.length);
  });

  it('gives the same alerts when paced at 60x or 5000x as at full speed', async () => {
    const strip = (ts: readonly Transition[]) => ts.map((t) => `${t.id}|${t.state}|${(t.eventIds ?? []).join(',')}`).sort();
    const full = strip(await replay());
    expect(strip(await replay(60))).toEqual(full);
    expect(strip(await replay(5_000))).toEqual(full);
  });

  it('a second pass over the same input repeats no alert', async () => {
    const rules = await loadRuleFiles(RULES);
    const registry = createRegistry();
    const runner = createDetectorRunner({ rules: rules.map((l) => l.compiled), metrics: createDetectorMetrics(registry) });
    const { events } = await readEventsFile(CSV);
    const first = runner.ingest(events);
    const again = runner.ingest(events);
    expect(first.length).toBeGreaterThan(0);
    expect(again.filter((t) => first.some((f) => f.id === t.id && f.state === t.state))).toEqual([]);
    expect(await registry.getSingleMetricAsString('herdwatch_detector_events_total')).toContain('rule="default/high-amount"');
  });
});

describe('readEventsFile', () => {
  it('reads NDJSON and JSON arrays, reporting bad lines by index', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'hw-replay-'));
    const ev = { type: 'purchase', ts: '2025-09-30T10:00:00Z', userId: 'U1', amount: 70_000 };
    const nd = join(dir, 'events.ndjson');
    await writeFile(nd, `${JSON.stringify(ev)}\nnot json\n${JSON.stringify({ ...ev, amount: 10 })}\n`);
    const a = await readEventsFile(nd);
    expect(a).toMatchObject({ format: 'ndjson', rejected: [{ index: 1, code: 'HW_ERR_EVENT_FORMAT' }] });
    expect(a.events.map((e) => e.amount)).toEqual([70_000, 10]);
    const arr = join(dir, 'events.json');
    await writeFile(arr, JSON.stringify([ev]));
    expect((await readEventsFile(arr)).events).toHaveLength(1);
    await expect(readEventsFile(join(dir, 'missing.csv'))).rejects.toMatchObject({ code: 'HW_ERR_INPUT_FILE' });

    const rules = await loadRuleFiles(RULES);
    const out = await replayEvents(createDetectorRunner({ rules: rules.map((l) => l.compiled) }), a.events);
    expect(out.filter((t) => t.state === 'firing').map((t) => `${t.rule}:${t.key}`)).toEqual(['default/high-amount:U1']);
  });
});
