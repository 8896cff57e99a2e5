import type { Log } from './log.js';
import type { NotifierStore } from '../store/notify/types.js';

/**
 * The batched sweeper: deletes expired documents on servers without TTL indexes (FerretDB
 * v1) and catches up after a TTL monitor's lag elsewhere. Cheap when there is nothing to do.
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly o: { store: NotifierStore; everyMs: number; clock: () => number; log: Log }) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.o.store.sweep(this.o.clock())
        .then((r) => {
          const total = Object.values(r).reduce((a, b) => a + b, 0);
          if (total > 0) this.o.log('info', 'retention removed expired documents', { ...r });
        })
        .catch((err: unknown) => this.o.log('warn', 'retention sweep failed; next round retries', { error: (err as Error).message }))
        .finally(() => { this.running = undefined; });
    }, this.o.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
