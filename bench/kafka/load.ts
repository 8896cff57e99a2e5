import { Agent, request } from 'node:http';

export interface LoadResult {
  readonly requests: number;
  readonly ok: number;
  readonly failed: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly latencyMs: { p50: number; p99: number };
}

/**
 * A small closed-loop HTTP load generator: `concurrency` keep-alive connections, each
 * sending the next request when the previous answered, for `seconds`. The same tool
 * drives the API and the hello-world baseline, so their ratio is fair. Loopback only.
 */
export async function load(opts: { port: number; path: string; bodies: readonly string[]; contentType: string; concurrency: number; seconds: number }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const deadline = performance.now() + opts.seconds * 1000;
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let next = 0;
  const one = (body: string) => new Promise<number>((resolve) => {
    const req = request({
      host: '127.0.0.1', port: opts.port, path: opts.path, method: 'POST', agent,
      headers: { 'content-type': opts.contentType, 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
  const started = performance.now();
  await Promise.all(Array.from({ length: opts.concurrency }, async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      const status = await one(opts.bodies[next++ % opts.bodies.length]!);
      latencies.push(performance.now() - t);
      if (status >= 200 && status < 300) ok++;
      else failed++;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return { requests: ok + failed, ok, failed, seconds, perSecond: ok / seconds, latencyMs: { p50: q(0.5), p99: q(0.99) } };
}
