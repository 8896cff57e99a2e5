import net from 'node:net';
import type { ISocketFactory } from 'kafkajs';

const JOIN_GROUP = 11;
const HEARTBEAT = 12;
const COORDINATOR_NOT_AVAILABLE = 15;
const UNKNOWN_MEMBER_ID = 25;

/**
 * A kafkajs socket factory that, for a while, answers heartbeats with UNKNOWN_MEMBER_ID and
 * group joins with COORDINATOR_NOT_AVAILABLE: what a consumer sees right after a broker pause
 * longer than the session timeout (the group dropped it; the coordinator is not back yet).
 * kafkajs 2.2.4 then clears its member id, fails to rejoin and goes on fetching without one.
 * Both answers are non-flexible (Heartbeat v3, JoinGroup v2-v5): the error code sits right
 * after the correlation id and throttle time. Everything else passes through untouched.
 */
export class EvictingNetwork {
  private until = 0;
  /** Answers rewritten so far: proof the client asked during the window. */
  rewritten = 0;

  evictFor(ms: number): void {
    this.until = Date.now() + ms;
  }

  readonly factory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = net.connect({ host, port }, onConnect);
    const asked = new Map<number, number>();
    let pending = Buffer.alloc(0);
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (Buffer.isBuffer(chunk) && chunk.length >= 12) {
        const key = chunk.readInt16BE(4);
        const version = chunk.readInt16BE(6);
        if ((key === HEARTBEAT && version === 3) || (key === JOIN_GROUP && version >= 2 && version <= 5)) asked.set(chunk.readInt32BE(8), key);
      }
      return write(chunk, ...rest);
    }) as typeof socket.write;
    const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
    socket.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event !== 'data') return emit(event, ...args);
      pending = Buffer.concat([pending, args[0] as Buffer]);
      while (pending.length >= 8) {
        const size = pending.readInt32BE(0);
        if (pending.length < 4 + size) break;
        const frame = Buffer.from(pending.subarray(0, 4 + size));
        pending = pending.subarray(4 + size);
        const key = asked.get(frame.readInt32BE(4));
        if (key !== undefined) {
          asked.delete(frame.readInt32BE(4));
          if (Date.now() < this.until && frame.length >= 14) {
            frame.writeInt16BE(key === HEARTBEAT ? UNKNOWN_MEMBER_ID : COORDINATOR_NOT_AVAILABLE, 12);
            this.rewritten++;
          }
        }
        emit('data', frame);
      }
      return true;
    }) as typeof socket.emit;
    return socket;
  };
}
