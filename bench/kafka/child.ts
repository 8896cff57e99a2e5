import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** Starts bench/kafka/server.ts and resolves with its port. */
export async function startServer(args: string[], nodeArgs: string[] = []): Promise<{ port: number; stop: () => Promise<void>; cpuMicros: () => Promise<number>; child: ChildProcess }> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(ROOT, 'bench', 'kafka', 'server.ts'), ...args], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, HERDWATCH_KAFKA_LOG: 'none' },
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^(\d+)\n/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const cpuWaiters: ((us: number) => void)[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    for (const m of d.toString().matchAll(/^cpu (\d+)$/gm)) cpuWaiters.shift()?.(Number(m[1]));
  });
  return {
    port, child,
    /** The server's CPU time so far (user + system, µs): CPU per event holds up on a shared machine where events/s do not. */
    cpuMicros: () => new Promise<number>((resolve) => {
      cpuWaiters.push(resolve);
      child.kill('SIGUSR2');
    }),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
