import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Kafka Streams doing the detector's windowed job (bench/streams, a small Java app), built
 * with Maven from Maven Central into $HW_CACHE (nothing built is committed), run one stream
 * thread per configuration:
 * - `defaults`: Kafka Streams as it comes (record cache on, changelog on);
 * - `no-cache`: the record cache off (statestore.cache.max.bytes=0), every update goes to the store;
 * - `no-changelog`: cache off and the store's changelog off (it could not recover its state).
 */
export type StreamsMode = 'defaults' | 'no-cache' | 'no-changelog';
export const STREAMS_MODES: readonly StreamsMode[] = ['defaults', 'no-cache', 'no-changelog'];

const SRC = join(import.meta.dirname, '..', 'streams');
const CACHE = process.env.HW_CACHE ?? join(homedir(), '.cache', 'herdwatch');
const TARGET = join(CACHE, 'streams-bench', 'target');
const JAR = join(TARGET, 'streams-bench-1.jar');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the app unless the jar is newer than its sources (first build about a minute: Maven downloads). */
export function buildStreamsApp(): void {
  if (existsSync(JAR) && statSync(JAR).mtimeMs > newest(SRC)) return;
  console.error('kafka streams bench: building bench/streams with Maven (cached in $HW_CACHE)');
  execFileSync('mvn', ['-q', '-B', `-Dmaven.repo.local=${join(CACHE, 'maven', 'repo')}`, `-Dhw.cache=${CACHE}`, 'package'], { cwd: SRC, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Runs one configuration over `records` JSON events on `topic`; events/s from RUNNING to the last record. */
export async function runStreams(brokers: string, topic: string, records: number, mode: StreamsMode): Promise<number> {
  const cp = `${JAR}:${join(TARGET, 'libs', '*')}`;
  const child = spawn('java', ['-Xms512m', '-Xmx1g', '-cp', cp, 'io.herdwatch.bench.WindowedCount', brokers, topic, String(records), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const m = /events=(\d+) ms=(\d+)/.exec(out);
  if (code !== 0 || !m) throw new Error(`kafka streams (${mode}) failed with ${code}: ${err.slice(-500)}`);
  return Number(m[1]) / (Math.max(1, Number(m[2])) / 1000);
}
