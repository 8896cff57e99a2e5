import { afterEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../metrics/registry.js';
import { startProbeServer, type ProbeServer } from './server.js';

describe('the probe server of the detector and the operator', () => {
  let server: ProbeServer | undefined;
  afterEach(async () => server?.close());

  it('answers liveness, readiness with its reason, metrics and status; nothing else', async () => {
    let ready = false;
    const registry = createRegistry();
    server = await startProbeServer({
      live: () => true,
      ready: () => ({ ready, reason: 'catching up' }),
      status: () => ({ lag: 42 }),
    }, registry, { host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${server.port}`;

    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not ready', reason: 'catching up', lag: 42 });
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${base}/status`)).json()).toEqual({ lag: 42 });
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const missing = await fetch(`${base}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'HW_ERR_NOT_FOUND' });
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
  });
});
