import { describe, expect, it } from 'vitest';
import { createDetectorRunner } from '../detector/runner.js';
import { replayEvents } from '../detector/replay.js';
import { readTransactionsCsv } from '../events/index.js';
import { loadRuleFiles } from '../rules/index.js';
import { readFileSync } from 'node:fs';
import { firingPerHour, runBacktest } from './run.js';

describe('backtest', () => {
  it('gives exactly the alerts a replay gives for the same events, whatever the arrival order, and reports progress', async () => {
    const rules = (await loadRuleFiles('k8s/examples')).map((l) => l.compiled).filter((r) => r.detector.type !== 'surge');
    const events = readTransactionsCsv(readFileSync('src/events/testdata/transactions.csv', 'utf8')).events;
    const replayed = await replayEvents(createDetectorRunner({ rules }), events);
    const progress: number[] = [];
    const results = await runBacktest(rules, [...events].reverse(), (p) => progress.push(p.events), { chunk: 7 });
    const ids = (ts: { id: string; state: string }[]) => ts.map((x) => `${x.id}|${x.state}`).sort();
    expect(ids(results.flatMap((r) => r.alerts))).toEqual(ids(replayed));
    expect(replayed.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(events.length);
    expect(progress.length).toBeGreaterThan(10);
  });

  it('counts firings per hour of onset', () => {
    const a = (onset: number, state = 'firing') => ({ onset, state }) as never;
    expect(firingPerHour([a(0), a(1_000), a(3_600_000), a(3_700_000, 'resolved')])).toEqual([{ hour: 0, count: 2 }, { hour: 3_600_000, count: 1 }]);
  });
});
