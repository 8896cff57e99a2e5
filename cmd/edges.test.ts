import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import type { CommandContext } from './commands/command.js';
import { COMMANDS } from './commands/index.js';

// #12 defect 7, the CLI and config part: each mistake is a coded error, never a stack trace or a leak.

const run = promisify(execFile);
const ENTRY = fileURLToPath(new URL('./herdwatch.ts', import.meta.url));

function capture(env: Record<string, string> = {}): CommandContext & { stderr: string[] } {
  const stderr: string[] = [];
  return { env, stderr, out: () => undefined, err: (l) => stderr.push(l), progress: () => undefined, signal: new AbortController().signal };
}

/** Runs the entry file with a Node that reports `version`, as a user on an older Node would. */
async function asNode(version: string | undefined, node = process.execPath): Promise<{ code: number; stderr: string }> {
  // Node 24 runs the entry's TypeScript itself; an older one needs tsx (as `npx tsx` would).
  const start = version === undefined
    ? [fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url)), ENTRY]
    : ['--import', `data:text/javascript,Object.defineProperty(process,"versions",{value:{...process.versions,node:${JSON.stringify(version)}}})`, ENTRY];
  try {
    await run(node, [...start, '--help']);
    return { code: 0, stderr: '' };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe('CLI and config edges', () => {
  it('--port 70000 is a coded config error naming the flag, not a stack trace', async () => {
    const ctx = capture();
    expect(await runCli(['api', '--port', '70000'], COMMANDS, ctx)).toBe(1);
    const text = ctx.stderr.join('\n');
    expect(text).toMatch(/HW_ERR_CONFIG: field --port: 70000 is out of range \(expected a number ≤ 65535\)/);
    expect(text).not.toMatch(/\n\s+at /);
  });

  it('dev --surge-every 0 is refused before anything starts', async () => {
    const ctx = capture();
    expect(await runCli(['dev', '--surge-every', '0', '--port', '0'], COMMANDS, ctx)).toBe(2);
    expect(ctx.stderr.join('\n')).toMatch(/HW_ERR_USAGE.*--surge-every/);
  });

  it('a plain-text token in HERDWATCH_TOKENS is refused without being echoed', async () => {
    const secret = 'hunter2-super-secret-token';
    const ctx = capture({ HERDWATCH_TOKENS: `${secret}:ingest` });
    expect(await runCli(['api', '--port', '0'], COMMANDS, ctx)).toBe(1);
    const text = ctx.stderr.join('\n');
    expect(text).toMatch(/HW_ERR_CONFIG.*HERDWATCH_TOKENS.*SHA-256/);
    expect(text).not.toContain('hunter2');
  });

  it('on a Node older than 24 the CLI says which Node it needs, and exits 1', async () => {
    const old = await asNode('20.19.0');
    expect(old.code).toBe(1);
    expect(old.stderr).toContain('HerdWatch needs Node.js 24 or newer; this is Node.js 20.19.0');
    expect(old.stderr).not.toContain('TypeError');
  });

  // The machine's own older Node, where there is one (this workplace's /usr/bin/node is 20).
  it.runIf(existsSync('/usr/bin/node'))('so does the system Node when it is older', async () => {
    const { stdout } = await run('/usr/bin/node', ['--version']);
    if (Number(stdout.trim().slice(1).split('.')[0]) >= 24) return;
    const res = await asNode(undefined, '/usr/bin/node');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`this is Node.js ${stdout.trim().slice(1)}`);
  });
});
