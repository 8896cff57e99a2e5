import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Topics } from '../../src/bus/types.js';
import { brokers } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * `herdwatch detector` as a real child process, so a test can SIGKILL it mid-stream. Its output,
 * kafkajs's warnings included (a rejoin, a crash), is kept for a failing test to show.
 */
export interface DetectorProcess {
  readonly child: ChildProcess;
  readonly log: string[];
  kill(signal: NodeJS.Signals): Promise<void>;
}

export function spawnDetector(rule: string, ruleFile: string, topics: Topics, extra: string[] = []): DetectorProcess {
  const args = [
    // One process (tsx as a loader, not its CLI wrapper), so SIGKILL really kills the detector.
    '--import', 'tsx', join(ROOT, 'cmd', 'herdwatch.ts'), 'detector',
    '--rule', rule, '--rule-file', ruleFile, '--kafka-brokers', brokers(),
    '--events-topic', topics.events, '--alerts-topic', topics.alerts, '--trends-topic', topics.trends,
    '--start-from', 'earliest', '--idle-advance', '1s', '--port', '0', '--host', '127.0.0.1', ...extra,
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HERDWATCH_KAFKA_LOG: 'warn' } });
  const log: string[] = [];
  child.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    log,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
