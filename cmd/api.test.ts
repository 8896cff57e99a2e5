import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import type { CommandContext } from './commands/command.js';
import { COMMANDS } from './commands/index.js';

function context(signal: AbortSignal, env: Record<string, string> = {}): CommandContext & { stderr: string[]; logs: string[] } {
  const stderr: string[] = [];
  const logs: string[] = [];
  return { env, stderr, logs, out: () => undefined, err: (l) => stderr.push(l), progress: () => undefined, signal, logStream: { write: (line: string) => logs.push(line) } };
}

describe('herdwatch api', () => {
  it('with the in-memory bus, ingests over HTTP and serves what the rules found', async () => {
    const stop = new AbortController();
    const ctx = context(stop.signal, { HERDWATCH_LOG_LEVEL: 'info' });
    const exit = runCli(['api', '--port', '0'], COMMANDS, ctx);
    try {
      let base: string | undefined;
      for (let i = 0; i < 600 && !base; i++) {
        // The start-up line is a JSON log line with the address as a field.
        base = ctx.logs.map((l) => JSON.parse(l) as { address?: string }).find((l) => l.address)?.address;
        if (!base) await new Promise((r) => setTimeout(r, 50));
      }
      expect(base).toBeDefined();
      // Within the rule's allowed lateness (30 s): an idle tick may already have moved the
      // watermark to now − 30 s, and an older event would rightly be counted late, not alerted on.
      const ts = Date.now() - 5_000;
      const res = await fetch(`${base}/api/v1/events`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ type: 'purchase', ts, userId: 'U7', amount: 90_000 }]),
      });
      expect(res.status).toBe(202);
      // The idle tick (wall clock) passes the event once it is 30 s old; the alert shows up then.
      let alerts: { key: string }[] = [];
      for (let i = 0; i < 900 && alerts.length === 0; i++) {
        alerts = ((await (await fetch(`${base}/api/v1/alerts?rule=high-amount`)).json()) as { alerts: { key: string }[] }).alerts;
        if (alerts.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(alerts[0]).toMatchObject({ key: 'U7' });
    } finally {
      stop.abort();
    }
    expect(await exit).toBe(0);
    // Requests were logged by the api component, as JSON lines naming the command.
    const lines = ctx.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => l.component === 'api' && l.command === 'api' && l.level === 'info' && typeof l.msg === 'string')).toBe(true);
  }, 120_000);

  it('--bus kafka without brokers is a configuration error, exit 1', async () => {
    const ctx = context(new AbortController().signal);
    expect(await runCli(['api', '--bus', 'kafka'], COMMANDS, ctx)).toBe(1);
    expect(ctx.stderr.join('\n')).toContain('HW_ERR_CONFIG');
    const bad = context(new AbortController().signal);
    expect(await runCli(['api', '--bus', 'carrier-pigeon'], COMMANDS, bad)).toBe(2);
  });
});
