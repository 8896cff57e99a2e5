import net from 'node:net';

/** What a test sees of the bytes between kafkajs and the real broker (Kafka's wire framing). */
export interface FrameTap {
  /** A request's header: size i32 | api key i16 | api version i16 | correlation id i32 | … */
  request?(apiKey: number, version: number, correlationId: number): void;
  /**
   * One whole response frame (size i32 | correlation id i32 | body), which may be rewritten in
   * place. Returning false swallows it and everything after it on this connection (the tap then
   * decides what becomes of the socket).
   */
  response?(frame: Buffer, correlationId: number, socket: net.Socket): boolean;
}

/**
 * A socket to the broker for a kafkajs socket factory, with `tap` shown every request header
 * and every whole response frame before kafkajs sees it. The fault-injecting networks of these
 * tests (lost answers, no leader, an evicted member) are taps on it.
 */
export function tappedSocket(host: string, port: number, onConnect: () => void, tap: FrameTap): net.Socket {
  const socket = net.connect({ host, port }, onConnect);
  const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
  socket.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (tap.request && Buffer.isBuffer(chunk) && chunk.length >= 12) tap.request(chunk.readInt16BE(4), chunk.readInt16BE(6), chunk.readInt32BE(8));
    return write(chunk, ...rest);
  }) as typeof socket.write;
  if (!tap.response) return socket;
  const onResponse = tap.response;
  let pending = Buffer.alloc(0);
  let swallowing = false;
  const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
  socket.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event !== 'data') return emit(event, ...args);
    if (swallowing) return true;
    pending = Buffer.concat([pending, args[0] as Buffer]);
    while (pending.length >= 8) {
      const size = pending.readInt32BE(0);
      if (pending.length < 4 + size) break;
      const frame = Buffer.from(pending.subarray(0, 4 + size));
      pending = pending.subarray(4 + size);
      if (!onResponse(frame, frame.readInt32BE(4), socket)) { swallowing = true; return true; }
      emit('data', frame);
    }
    return true;
  }) as typeof socket.emit;
  return socket;
}
