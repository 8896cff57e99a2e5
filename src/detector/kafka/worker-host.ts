import { Worker } from 'node:worker_threads';
import type { CompiledRule } from '../../engine/types.js';
import type { BatchInput, BatchOutput, EngineHost, EngineHostOptions, TickOutput } from './engines.js';

export type WorkerRequest =
  | { op: 'open'; partition: number; liveFrom: number; startOffset: number; now: number }
  | { op: 'drop'; partition: number }
  | ({ op: 'evaluate'; id: number; buffer: ArrayBuffer; lengths: Int32Array } & Omit<BatchInput, 'values'>)
  | { op: 'tick'; id: number; partitions: readonly number[]; now: number };

export type WorkerResponse = { id: number; ok: true; value: BatchOutput | TickOutput } | { id: number; ok: false; error: string };

/**
 * Runs the partition engines in a worker thread: JSON decoding and evaluation then use a
 * second core while this thread fetches from Kafka, publishes and commits. Messages to the
 * worker are handled in order, so a partition's batches are evaluated in offset order.
 */
export class WorkerEngineHost implements EngineHost {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private failed: Error | undefined;
  private closing = false;

  constructor(rule: CompiledRule, onFailure: (err: Error) => void, opts: EngineHostOptions = {}) {
    this.worker = new Worker(new URL('./engine-worker.js', import.meta.url), { workerData: { rule, opts } });
    this.worker.on('message', (res: WorkerResponse) => {
      const p = this.pending.get(res.id);
      if (!p) return;
      this.pending.delete(res.id);
      if (res.ok) p.resolve(res.value as never);
      else p.reject(new Error(res.error));
    });
    const fail = (err: Error) => {
      this.failed = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      onFailure(err);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => {
      if (code !== 0 && !this.failed && !this.closing) fail(new Error(`engine worker exited with code ${code}`));
    });
  }

  private call<T>(req: WorkerRequest & { id: number }, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(req.id, { resolve: resolve as (v: never) => void, reject });
      this.worker.postMessage(req, transfer);
    });
  }

  open(partition: number, liveFrom: number, startOffset: number, now: number): void {
    this.worker.postMessage({ op: 'open', partition, liveFrom, startOffset, now } satisfies WorkerRequest);
  }

  drop(partition: number): void {
    this.worker.postMessage({ op: 'drop', partition } satisfies WorkerRequest);
  }

  evaluate(input: BatchInput): Promise<BatchOutput> {
    // One buffer for all values, transferred rather than copied by structured clone.
    const lengths = new Int32Array(input.values.length);
    let total = 0;
    input.values.forEach((v, i) => {
      lengths[i] = v === null ? -1 : v.length;
      total += v?.length ?? 0;
    });
    const buf = Buffer.allocUnsafeSlow(total);
    let at = 0;
    for (const v of input.values) {
      if (v) at += v.copy(buf, at);
    }
    const { values: _v, ...rest } = input;
    const arrayBuffer = buf.buffer as ArrayBuffer;
    return this.call<BatchOutput>({ op: 'evaluate', id: this.nextId++, buffer: arrayBuffer, lengths, ...rest }, [arrayBuffer, lengths.buffer as ArrayBuffer]);
  }

  tick(partitions: readonly number[], now: number): Promise<TickOutput> {
    return this.call<TickOutput>({ op: 'tick', id: this.nextId++, partitions: [...partitions], now });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }
}
