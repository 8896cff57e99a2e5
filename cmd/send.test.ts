import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { recordingSink, testApi, INGEST_TOKEN, TOKENS } from '../src/api/test-helpers.js';
import { runCli } from './cli.js';
import type { CommandContext } from './commands/command.js';
import { COMMANDS } from './commands/index.js';

const CSV = new URL('../src/events/testdata/transactions.csv', import.meta.url).pathname;

function ctx(signal = new AbortController().signal): CommandContext & { stderr: string[] } {
  const stderr: string[] = [];
  return { env: {}, stderr, out: () => undefined, err: (l) => stderr.push(l), progress: (t) => stderr.push(t), signal };
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('sending traffic to an API', () => {
  it('replay --to posts every row of the CSV with the token, riding out a rate limit', async () => {
    const sink = recordingSink();
    const t = await testApi({ sink, clock: Date.now, settings: { tokens: TOKENS, rateLimitPerSec: 20, rateBurst: 1 } });
    app = t.app;
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const c = ctx();
    expect(await runCli(['replay', CSV, '--to', base, '--token', INGEST_TOKEN, '--batch', '30'], COMMANDS, c)).toBe(0);
    expect(sink.sent.map((e) => e.id).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 100 }, (_, i) => String(i + 1)));
    expect(c.stderr.join('')).toMatch(/sent 100 events to http:\/\/127\.0\.0\.1:\d+: 100 accepted, 0 rejected by it/);
    // The sample is from 2025: a live detector would drop every event as late, and the user is told so.
    expect(c.stderr.join('')).toMatch(/warning: 100 of 100 events are older than now .* --shift-to-now/);
  });

  it('replay --to with a wrong token fails with the API\'s error code', async () => {
    app = (await testApi({ settings: { tokens: TOKENS } })).app;
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const c = ctx();
    expect(await runCli(['replay', CSV, '--to', base, '--token', 'wrong'], COMMANDS, c)).toBe(1);
    expect(c.stderr.join('\n')).toMatch(/herdwatch replay: HW_ERR_UNAUTHORIZED: POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/events: the API answered 401/);
    // A coded refusal, not a crash: no stack trace.
    expect(c.stderr.join('\n')).not.toMatch(/\n\s+at /);
  });

  it('simulate sends simulated events until its duration is up', async () => {
    const sink = recordingSink();
    app = (await testApi({ sink, clock: Date.now })).app;
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const c = ctx();
    expect(await runCli(['simulate', '--to', base, '--duration', '1', '--speed', '60', '--interval', '100'], COMMANDS, c)).toBe(0);
    expect(sink.sent.length).toBeGreaterThan(0);
    expect(sink.sent.every((e) => e.productId?.startsWith('sku-'))).toBe(true);
    expect(c.stderr.join('')).toMatch(/sent [\d,]+ events/);
  });
});
