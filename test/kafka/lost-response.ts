import net from 'node:net';
import type { ISocketFactory } from 'kafkajs';
import { tappedSocket } from './frame-tap.js';

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
    let produceCorrelation: number | undefined;
    const socket = tappedSocket(host, port, onConnect, {
      request: (key, _version, correlation) => {
        if (this.armed && produceCorrelation === undefined && key === PRODUCE) produceCorrelation = correlation;
      },
      // Pass whole response frames until the produce answer, then drop it and the connection.
      response: (_frame, correlation, sock) => {
        if (correlation !== produceCorrelation) return true;
        const armed = this.armed;
        this.armed = undefined;
        produceCorrelation = undefined;
        this.refuseUntil = Date.now() + (armed?.refuseMs ?? 0);
        sock.destroy(Object.assign(new Error('connection reset (test: the produce answer was lost)'), { code: 'ECONNRESET' }));
        armed?.dropped();
        return false;
      },
    });
    socket.setKeepAlive(true, 60_000);
    return socket;
  };
}
