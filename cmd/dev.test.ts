import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { COMMANDS } from './commands/index.js';

const RULES = new URL('../k8s/examples', import.meta.url).pathname;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, attempts = 300): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const got = await probe().catch(() => undefined);
    if (got !== undefined) return got;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('herdwatch dev', () => {
  it('serves the API on the chosen port and shows a firing alert, then shuts down cleanly', async () => {
    const stop = new AbortController();
    const stderr: string[] = [];
    const stdout: string[] = [];
    const exit = runCli(['dev', '--port', '0', '--speed', '600', '--rate', '20', '--rules', RULES], COMMANDS, {
      env: {}, signal: stop.signal,
      out: (l) => stdout.push(l), err: (l) => stderr.push(l), progress: () => undefined,
    });
    try {
      const base = await waitFor('the API address', async () => stderr.join('\n').match(/API on (http:\/\/\S+)/)?.[1]);
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      const alert = await waitFor('a firing alert', async () => {
        const res = await fetch(`${base}/api/v1/alerts?state=firing&limit=5`);
        const { alerts } = (await res.json()) as { alerts: { rule: string; key: string; state: string }[] };
        return alerts[0];
      });
      expect(alert).toMatchObject({ state: 'firing' });
      // The terminal shows the same alert.
      await waitFor('the alert line', async () => stdout.find((l) => l.startsWith('FIRING') && l.includes(alert.key)));
      // What the notifier would send links to this process's UI, on the port it really listens on.
      const notice = await waitFor('a notification line', async () => stdout.find((l) => l.includes('notify: would send')));
      expect(notice).toContain(`${base}/alerts/`);
    } finally {
      stop.abort();
    }
    expect(await exit).toBe(0);
    expect(stderr.join('\n')).toContain('shutting down');
  }, 90_000);
});
