import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('./herdwatch.ts', import.meta.url));

describe('herdwatch dev as a process', () => {
  it('serves /healthz and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'dev', '--port', '0', '--speed', '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      let base: string | undefined;
      for (let i = 0; i < 600 && !base; i++) {
        base = stderr.match(/API on (http:\/\/\S+)/)?.[1];
        if (!base) await new Promise((r) => setTimeout(r, 100));
      }
      expect(base, stderr).toBeDefined();
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('shutting down');
  }, 120_000);
});
