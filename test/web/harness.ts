import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = join(import.meta.dirname, '..', '..');
export const SHOTS = join(ROOT, '.tmp', 'web-shots');
const BASE_PORT = Number(process.env.HW_WEB_PORT ?? 18480);

/** A real `herdwatch dev` (the built CLI, serving the built app) as a child process. */
export interface DevServer {
  readonly url: string;
  readonly log: string[];
  stop(): Promise<void>;
}

export async function startDev(args: string[] = [], portOffset = 0): Promise<DevServer> {
  return startServer('dev', ['--status-every', '0', ...args], portOffset);
}

/** `herdwatch <command> --port …` (dev or api) from the build, ready when /readyz answers. */
export async function startServer(command: 'dev' | 'api', args: string[], portOffset = 0, env: NodeJS.ProcessEnv = {}): Promise<DevServer> {
  const port = BASE_PORT + portOffset;
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'dist', 'cmd', 'herdwatch.js'), command, '--port', String(port), ...args], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
  });
  const log: string[] = [];
  child.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`herdwatch ${command} exited: ${log.join('')}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url, log,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Debian's Chromium (scripts/web/chromium.sh puts its path in HW_CHROMIUM), headless. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.HW_CHROMIUM ?? '/usr/bin/chromium';
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export async function newPage(browser: Browser, opts: { width?: number; height?: number; dark?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
    colorScheme: opts.dark ? 'dark' : 'light',
    timezoneId: 'UTC',
    locale: 'en-US',
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('browser page error:', e.message));
  return page;
}

/** Saves a screenshot under .tmp/web-shots; with UPDATE_SCREENSHOTS=1 also into docs/img for the README. */
export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  const file = join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    await mkdir(join(ROOT, 'docs', 'img'), { recursive: true });
    await copyFile(file, join(ROOT, 'docs', 'img', `${name}.png`));
  }
}

/** Runs the built CLI to completion and returns its stdout. */
export async function herdwatch(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'cmd', 'herdwatch.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`herdwatch ${args.join(' ')} exited ${code}: ${err}`);
  return out;
}
