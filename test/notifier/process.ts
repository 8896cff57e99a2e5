import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelSpec } from '../../src/rules/schema.js';
import { brokers } from '../kafka/helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** A rule file for the notifier: its channels are what matter here. */
export function writeRuleFile(name: string, uid: string, channels: readonly ChannelSpec[]): string {
  const file = join(tmpdir(), `hw-notifier-${uid}.yaml`);
  const doc = {
    apiVersion: 'herdwatch.io/v1alpha1', kind: 'HerdRule', metadata: { name, namespace: 'test', uid },
    spec: { key: 'productId', detector: { type: 'surge', window: '2m', bucket: '10s' }, severity: 'warning', channels },
  };
  writeFileSync(file, JSON.stringify(doc)); // JSON is YAML
  return file;
}

export interface NotifierProcess {
  readonly child: ChildProcess;
  readonly log: string[];
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** `herdwatch notifier` as a real child process, so a test can SIGKILL it mid-send. */
export function spawnNotifier(args: readonly string[], env: Record<string, string>): NotifierProcess {
  const child = spawn(process.execPath, [
    '--import', 'tsx', join(ROOT, 'cmd', 'herdwatch.ts'), 'notifier', '--kafka-brokers', brokers(), '--port', '0', '--host', '127.0.0.1', ...args,
  ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HERDWATCH_KAFKA_LOG: 'none', ...env } });
  const log: string[] = [];
  child.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child, log,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
