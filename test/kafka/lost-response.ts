import net from 'node:net';
import type { ISocketFactory } from 'kafkajs';

const PRODUCE = 0;

/**
 * A kafkajs socket factory that can lose the broker's answer to one produce request after
 * the broker has appended it (the connection dies between the two, as when a broker stops),
 * and then refuse new connections for a while (the broker is away). Everything else is
 * passed through untouched to the real broker.
 */
export class LostResponseNetwork {
  private armed: { refuseMs: number; dropped: () => void } | undefined;
  private refuseUntil = 0;

  /** Loses the answer to the next produce request, then refuses connections for `refuseMs`; resolves once the answer was dropped. */
  loseNextProduceResponse(refuseMs: number): Promise<void> {
    return new Promise((resolve) => {
      this.armed = { refuseMs, dropped: resolve };
    });
  }

  /** Resolves once connections are accepted again. */
  async back(): Promise<void> {
    const left = this.refuseUntil - Date.now();
    if (left > 0) await new Promise((r) => setTimeout(r, left + 100));
  }

  readonly factory: ISocketFactory = ({ host, port, onConnect }) => {
    if (Date.now() < this.refuseUntil) {
      const refused = new net.Socket();
      setImmediate(() => refused.destroy(Object.assign(new Error(`connect ECONNREFUSED ${host}:${port} (test: broker away)`), { code: 'ECONNREFUSED' })));
      return refused;
    }
    const socket = net.connect({ host, port }, onConnect);
    let produceCorrelation: number | undefined;
    let pending = Buffer.alloc(0);
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      // A request frame: size i32 | api key i16 | api version i16 | correlation id i32 | ...
      if (this.armed && produceCorrelation === undefined && Buffer.isBuffer(chunk) && chunk.length >= 12 && chunk.readInt16BE(4) === PRODUCE) {
        produceCorrelation = chunk.readInt32BE(8);
      }
      return write(chunk, ...rest);
    }) as typeof socket.write;
    const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
    socket.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event !== 'data' || produceCorrelation === undefined) return emit(event, ...args);
      // Pass whole response frames (size i32 | correlation id i32 | ...) until the produce answer, then drop it and the connection.
      pending = Buffer.concat([pending, args[0] as Buffer]);
      while (pending.length >= 8) {
        const size = pending.readInt32BE(0);
        if (pending.length < 4 + size) break;
        const frame = pending.subarray(0, 4 + size);
        pending = pending.subarray(4 + size);
        if (frame.readInt32BE(4) === produceCorrelation) {
          const armed = this.armed;
          this.armed = undefined;
          produceCorrelation = undefined;
          this.refuseUntil = Date.now() + (armed?.refuseMs ?? 0);
          socket.destroy(Object.assign(new Error('connection reset (test: the produce answer was lost)'), { code: 'ECONNRESET' }));
          armed?.dropped();
          return true;
        }
        emit('data', frame);
      }
      return true;
    }) as typeof socket.emit;
    socket.setKeepAlive(true, 60_000);
    return socket;
  };
}
