import { parentPort, workerData } from 'node:worker_threads';
import type { CompiledRule } from '../../engine/types.js';
import { PartitionEngines, type EngineHostOptions } from './engines.js';
import type { WorkerRequest, WorkerResponse } from './worker-host.js';

/**
 * The worker side of WorkerEngineHost: the partition engines of one member, fed batches as
 * one transferred buffer of message values (no per-message copy across threads).
 */
const engines = new PartitionEngines(workerData.rule as CompiledRule, workerData.opts as EngineHostOptions);
const port = parentPort!;

port.on('message', (req: WorkerRequest) => {
  let res: WorkerResponse;
  try {
    switch (req.op) {
      case 'open':
        engines.open(req.partition, req.liveFrom, req.startOffset, req.now);
        return;
      case 'drop':
        engines.drop(req.partition);
        return;
      case 'evaluate': {
        const buf = Buffer.from(req.buffer);
        const values: (Buffer | null)[] = new Array(req.lengths.length);
        let at = 0;
        for (let i = 0; i < req.lengths.length; i++) {
          const n = req.lengths[i]!;
          values[i] = n < 0 ? null : buf.subarray(at, at + n);
          if (n > 0) at += n;
        }
        const { buffer: _b, lengths: _l, op: _o, id: _i, ...rest } = req;
        res = { id: req.id, ok: true, value: engines.evaluate({ ...rest, values }) };
        break;
      }
      case 'tick':
        res = { id: req.id, ok: true, value: engines.tick(req.partitions, req.now) };
        break;
    }
  } catch (err) {
    res = { id: (req as { id?: number }).id ?? -1, ok: false, error: (err as Error).message };
  }
  port.postMessage(res);
});
