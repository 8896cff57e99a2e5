import type { ISocketFactory } from 'kafkajs';
import { tappedSocket } from './frame-tap.js';

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
    /** Correlation ids of heartbeats and joins in flight on this connection, with their api key. */
    const asked = new Map<number, number>();
    return tappedSocket(host, port, onConnect, {
      request: (key, version, correlation) => {
        if ((key === HEARTBEAT && version === 3) || (key === JOIN_GROUP && version >= 2 && version <= 5)) asked.set(correlation, key);
      },
      response: (frame, correlation) => {
        const key = asked.get(correlation);
        if (key === undefined) return true;
        asked.delete(correlation);
        if (Date.now() < this.until && frame.length >= 14) {
          frame.writeInt16BE(key === HEARTBEAT ? UNKNOWN_MEMBER_ID : COORDINATOR_NOT_AVAILABLE, 12);
          this.rewritten++;
        }
        return true;
      },
    });
  };
}
