import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const ROOT = join(import.meta.dirname, '..', '..');
const SERVICES_BIN = join(process.env.HW_CACHE ?? join(homedir(), '.cache', 'herdwatch'), 'services', 'bin');

/** Ports of this suite: HW_SRE_PORT + n (make test-sre; helpers on one machine pass their own block). */
export function port(n: number): number {
  return Number(process.env.HW_SRE_PORT ?? 19600) + n;
}

export interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly log: string[];
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function start(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const log: string[] = [];
  const keep = (d: Buffer) => {
    log.push(d.toString());
    if (log.length > 400) log.splice(0, 100);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name, child, log,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * A process restarted whenever it exits on its own, as Kubernetes restarts a container
 * (restartPolicy Always): the operator exits with code 1 when it loses the leader lease, by
 * design, and a busy CI machine can make a renewal miss its deadline. `restarts` and the
 * kept log say whether that happened.
 */
export function restartOnExit(make: () => Proc): Proc & { readonly restarts: number } {
  let current = make();
  let stopped = false;
  let restarts = 0;
  const log: string[] = [];
  const watch = (p: Proc) => {
    p.child.once('exit', (code, signal) => {
      log.push(...p.log, `--- ${p.name} exited (code ${code}, signal ${signal})\n`);
      if (stopped) return;
      restarts++;
      setTimeout(() => {
        if (stopped) return;
        current = make();
        watch(current);
      }, 1000);
    });
  };
  watch(current);
  return {
    get name() { return current.name; },
    get child() { return current.child; },
    get log() { return [...log, ...current.log]; },
    get restarts() { return restarts; },
    async stop(signal) {
      stopped = true;
      await current.stop(signal);
    },
  };
}

/** `herdwatch <command>` from source, as one process (tsx as a loader), so a signal reaches it. */
export function herdwatch(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  return start(name, process.execPath, ['--import', 'tsx', join(ROOT, 'cmd', 'herdwatch.ts'), ...args], { HERDWATCH_KAFKA_LOG: 'none', ...env });
}

export function serviceBinary(name: string): string {
  const path = join(SERVICES_BIN, name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run scripts/services/build.sh prometheus alertmanager (make test-sre does)`);
  return path;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 500, logs: Proc[] = []): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}\n${logTails(logs)}`);
}

/** The end of each process's output, to explain a failure. */
export function logTails(procs: readonly Proc[], chars = 3000): string {
  return procs.map((p) => `--- ${p.name}:\n${p.log.join('').slice(-chars)}`).join('\n');
}

export async function httpOk(url: string): Promise<true | undefined> {
  const res = await fetch(url).catch(() => undefined);
  return res?.ok ? true : undefined;
}

export interface Targets {
  readonly api: string;
  readonly detector: string;
  readonly operator?: string;
  readonly notifier?: string;
}

/** Prometheus scraping HerdWatch every second, evaluating `rules` every second, alerting `alertmanager`. */
export async function startPrometheus(dir: string, listen: number, targets: Targets, rulesYaml: string, alertmanager: number): Promise<Proc> {
  await mkdir(join(dir, 'data'), { recursive: true });
  await writeFile(join(dir, 'rules.yaml'), rulesYaml);
  const scrape = Object.entries(targets).filter(([, t]) => t !== undefined)
    .map(([job, t]) => ({ job_name: `herdwatch-${job}`, static_configs: [{ targets: [t] }] }));
  await writeFile(join(dir, 'prometheus.yml'), stringify({
    global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '900ms' },
    rule_files: [join(dir, 'rules.yaml')],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${alertmanager}`] }] }] },
    scrape_configs: scrape,
  }));
  const p = start('prometheus', serviceBinary('prometheus'), [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${listen}`, '--storage.tsdb.retention.time=2h', '--rules.alert.resend-delay=2s',
  ]);
  await waitFor('Prometheus to be ready', () => httpOk(`http://127.0.0.1:${listen}/-/ready`), 60_000, 500, [p]);
  return p;
}

/** Alertmanager that groups nothing and forwards every alert to a webhook at once. */
export async function startAlertmanager(dir: string, listen: number, webhook: string): Promise<Proc> {
  await mkdir(join(dir, 'data'), { recursive: true });
  await writeFile(join(dir, 'alertmanager.yml'), stringify({
    route: { receiver: 'test', group_by: ['alertname', 'component'], group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
    receivers: [{ name: 'test', webhook_configs: [{ url: webhook, send_resolved: true }] }],
  }));
  const p = start('alertmanager', serviceBinary('alertmanager'), [
    `--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${listen}`, '--cluster.listen-address=',
  ]);
  await waitFor('Alertmanager to be ready', () => httpOk(`http://127.0.0.1:${listen}/-/ready`), 60_000, 500, [p]);
  return p;
}

export interface PromSeries {
  readonly metric: Record<string, string>;
  readonly values?: [number, string][];
  readonly value?: [number, string];
}

/** A query as Grafana sends it; an invalid one is refused by Prometheus' own parser (400, bad_data). */
export async function promQuery(base: string, expr: string, range?: { start: number; end: number; step: number }): Promise<PromSeries[]> {
  const params = new URLSearchParams({ query: expr });
  if (range) for (const [k, v] of Object.entries(range)) params.set(k, String(v));
  const res = await fetch(`${base}/api/v1/${range ? 'query_range' : 'query'}`, { method: 'POST', body: params });
  const body = await res.json() as { status: string; error?: string; data?: { result: PromSeries[] } };
  if (body.status !== 'success') throw new Error(`Prometheus refused ${expr}: ${body.error}`);
  return body.data?.result ?? [];
}

export interface AmAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly status: { state: string };
}

export async function amAlerts(base: string): Promise<AmAlert[]> {
  const res = await fetch(`${base}/api/v2/alerts`);
  return await res.json() as AmAlert[];
}
