import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import type { CommandContext } from './commands/command.js';
import { COMMANDS } from './commands/index.js';

function capture(signal = new AbortController().signal): CommandContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { env: {}, stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), progress: (t) => stderr.push(t), signal };
}

describe('herdwatch CLI', () => {
  it('lists the commands with --help and exits 0; with no command exits 2', async () => {
    const ctx = capture();
    expect(await runCli(['--help'], COMMANDS, ctx)).toBe(0);
    for (const name of ['dev', 'replay', 'simulate', 'api', 'detector', 'operator', 'notifier']) expect(ctx.stdout.join('\n')).toContain(`  ${name}`);
    expect(await runCli([], COMMANDS, capture())).toBe(2);
  });

  it('an unknown command or flag is a clear error with exit code 2', async () => {
    const a = capture();
    expect(await runCli(['deploy'], COMMANDS, a)).toBe(2);
    expect(a.stderr[0]).toContain('unknown command "deploy"');
    const b = capture();
    expect(await runCli(['replay', 'x.csv', '--sped', '3'], COMMANDS, b)).toBe(2);
    expect(b.stderr.join('\n')).toMatch(/HW_ERR_USAGE.*--sped/);
    expect(b.stderr.join('\n')).toContain('herdwatch replay --help');
  });

  it('every command has --help listing its options and variables', async () => {
    for (const c of COMMANDS) {
      const ctx = capture();
      expect(await runCli([c.name, '--help'], COMMANDS, ctx)).toBe(0);
      expect(ctx.stdout.join('\n')).toContain(`Usage: herdwatch ${c.name}`);
    }
    const dev = capture();
    await runCli(['dev', '--help'], COMMANDS, dev);
    expect(dev.stdout.join('\n')).toMatch(/--port <number>.*HERDWATCH_PORT/);
  });

  it('replay of a missing file fails with HW_ERR_INPUT_FILE and exit 1', async () => {
    const ctx = capture();
    expect(await runCli(['replay', '/nonexistent/file.csv'], COMMANDS, ctx)).toBe(1);
    expect(ctx.stderr.join('\n')).toContain('HW_ERR_INPUT_FILE');
  });

  it('replay prints one line per alert for the transactions export and exits 0', async () => {
    const ctx = capture();
    const csv = new URL('../src/events/testdata/transactions.csv', import.meta.url).pathname;
    const rules = new URL('../k8s/examples', import.meta.url).pathname;
    expect(await runCli(['replay', csv, '--rules', rules], COMMANDS, ctx)).toBe(0);
    const firing = ctx.stdout.filter((l) => l.startsWith('FIRING'));
    expect(firing.filter((l) => l.includes('/high-amount'))).toHaveLength(1);
    expect(firing.find((l) => l.includes('/high-amount'))).toMatch(/userId=U001 .*56,000 above 50,000/);
    expect(ctx.stderr.at(-1)).toMatch(/replayed 100 events \(0 rejected\)/);
  });
});

describe('herdwatch dev on a port that is taken', () => {
  it('says so with HW_ERR_CONFIG naming --port, and exits 1', async () => {
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const ctx = capture();
      expect(await runCli(['dev', '--port', String(port)], COMMANDS, ctx)).toBe(1);
      expect(ctx.stderr.join('\n')).toMatch(/HW_ERR_CONFIG: field --port: port \d+ on 127\.0\.0\.1 is already in use/);
    } finally {
      server.close();
    }
  });
});
