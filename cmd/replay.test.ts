import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import type { CommandContext } from './commands/command.js';
import { COMMANDS } from './commands/index.js';

const REES46 = new URL('../../shared/data/rees46-2019-10-01-head.csv', import.meta.url).pathname;
const RULES = new URL('../k8s/examples', import.meta.url).pathname;

function capture(): CommandContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { env: {}, stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), progress: (t) => stderr.push(t), signal: new AbortController().signal };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hw-replay-cmd-'));
});

describe('herdwatch replay on large and real files', () => {
  it('replays a 20,000-row CSV as a stream, with a progress line', async () => {
    const path = join(dir, 'big.csv');
    const out = createWriteStream(path);
    out.write('transaction_id,user_id,amount,payment_method,location,timestamp\n');
    for (let i = 0; i < 20_000; i++) {
      const min = Math.floor(i / 50);
      const line = `${i},U${i % 5000},${(i % 97) * 10},UPI,City${i % 13},${String(1 + Math.floor(min / 1440) % 28).padStart(2, '0')}-10-2025 ${String(Math.floor(min / 60) % 24).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}\n`;
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    // Every row is a new location for its user: an alert per row (the runner's own test
    // covers a step of 200k transitions, which a spread push could not take).
    const rules = join(dir, 'rules');
    await mkdir(rules);
    await copyFile(join(RULES, 'new-location.yaml'), join(rules, 'new-location.yaml'));
    const ctx = capture();
    expect(await runCli(['replay', path, '--rules', rules], COMMANDS, ctx)).toBe(0);
    expect(ctx.stdout.length).toBeGreaterThan(19_000);
    expect(ctx.stderr.join('')).toMatch(/read 100% \(\d+ of \d+ MiB\), 20000 events/);
    expect(ctx.stderr.join('\n')).toMatch(/replayed 20000 events \(0 rejected\)/);
  }, 120_000);

  it('loads the REES46 export as it is: numeric ids, "UTC" timestamps, cart → add_to_cart', async () => {
    const ctx = capture();
    expect(await runCli(['replay', REES46, '--rules', RULES], COMMANDS, ctx)).toBe(0);
    expect(ctx.stderr.join('\n')).toMatch(/replayed 17434 events \(0 rejected\)/);
  });

  it('maps the columns of an unknown CSV with --map, or fails on its header with HW_ERR_CSV_HEADER', async () => {
    const path = join(dir, 'shop.csv');
    await writeFile(path, 'when,what,sku,who\n2019-10-01 00:00:00 UTC,view,1,7\n1569888001000,purchase,2,8\n');
    const unmapped = capture();
    expect(await runCli(['replay', path, '--rules', RULES], COMMANDS, unmapped)).toBe(1);
    expect(unmapped.stderr.join('\n')).toContain('HW_ERR_CSV_HEADER');
    const mapped = capture();
    expect(await runCli(['replay', path, '--rules', RULES, '--map', 'ts=when,type=what,productId=sku,userId=who'], COMMANDS, mapped)).toBe(0);
    expect(mapped.stderr.join('\n')).toMatch(/replayed 2 events \(0 rejected\)/);
  });

  it('exits non-zero with counts by reason when every event is rejected', async () => {
    const path = join(dir, 'bad.ndjson');
    await writeFile(path, `${JSON.stringify({ type: 'teleport', ts: 1569888000000 })}\nnot json\n${JSON.stringify({ type: 'view', ts: '2026-02-30T00:00:00Z' })}\n`);
    const ctx = capture();
    expect(await runCli(['replay', path, '--rules', RULES], COMMANDS, ctx)).toBe(1);
    const err = ctx.stderr.join('\n');
    expect(err).toMatch(/rejected by reason: .*HW_ERR_EVENT_FORMAT: 1/);
    expect(err).toMatch(/HW_ERR_EVENT_FIELD \/ts: 1/);
    expect(err).toContain('every one of the 3 items');
  });

  it('treats a malformed JSON array as an error naming its line, not as NDJSON', async () => {
    const path = join(dir, 'pretty.json');
    await writeFile(path, '[\n  {"type": "view", "ts": 1569888000000}\n  {"type": "view", "ts": 1569888000001}\n]\n');
    const ctx = capture();
    expect(await runCli(['replay', path, '--rules', RULES], COMMANDS, ctx)).toBe(1);
    expect(ctx.stderr.join('\n')).toMatch(/HW_ERR_EVENT_FORMAT.*line 3.*missing comma/);
  });

  it('warns when a rule drops late events or its watermark jumps', async () => {
    const path = join(dir, 'future.ndjson');
    const t0 = Date.UTC(2025, 9, 1);
    const lines = [
      { id: 'a', type: 'purchase', ts: t0, userId: 'U1', amount: 10, location: 'Pune' },
      { id: 'far', type: 'purchase', ts: Date.UTC(2099, 0, 1), userId: 'U2', amount: 10, location: 'Pune' },
    ];
    await writeFile(path, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    // Kept in file order (--reorder 0): the far-future event first, then ordinary ones, which
    // every rule that saw the far one now counts late.
    const late = join(dir, 'late.ndjson');
    await writeFile(late, `${[lines[1], ...Array.from({ length: 3 }, (_, i) => ({ ...lines[0], id: `b${i}`, ts: t0 + i }))].map((l) => JSON.stringify(l)).join('\n')}\n`);
    const ctx = capture();
    expect(await runCli(['replay', path, '--rules', RULES], COMMANDS, ctx)).toBe(0);
    expect(ctx.stderr.join('\n')).toMatch(/warning: event time jumped 1× by more than an hour \(largest 2025-10-01T00:00:00Z → 2099-01-01T00:00:00Z\)/);
    const lateCtx = capture();
    expect(await runCli(['replay', late, '--rules', RULES, '--reorder', '0'], COMMANDS, lateCtx)).toBe(0);
    expect(lateCtx.stderr.join('\n')).toMatch(/warning: rule default\/high-amount: 3 late events dropped/);
  });
});

describe('herdwatch dev arguments', () => {
  it('rejects --surge-every 0 with a coded usage error instead of looping', async () => {
    const ctx = capture();
    expect(await runCli(['dev', '--surge-every', '0', '--port', '0'], COMMANDS, ctx)).toBe(2);
    expect(ctx.stderr.join('\n')).toMatch(/HW_ERR_USAGE|--surge-every/);
  });
});
