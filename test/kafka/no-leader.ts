import type { ISocketFactory } from 'kafkajs';
import { tappedSocket } from './frame-tap.js';

const METADATA = 3;
const UNKNOWN_TOPIC_OR_PARTITION = 3;
const LEADER_NOT_AVAILABLE = 5;

type Fault = 'leaderless' | 'unknown';

/**
 * A kafkajs socket factory whose metadata answers say, for a while, that a topic's partitions
 * have no leader (LEADER_NOT_AVAILABLE, leader -1): what clients see while a single KRaft
 * broker is fenced (after a pause longer than its session timeout) or a leader is being
 * elected on a loaded machine; or that a topic just created is unknown (UNKNOWN_TOPIC_OR_PARTITION),
 * as a KRaft broker answers until it has applied the creation. Everything else passes through
 * to the real broker untouched.
 */
export class NoLeaderNetwork {
  private topic: string | undefined;
  private until = 0;
  private fault: Fault = 'leaderless';
  /** Partition entries answered without a leader so far: proof the client asked during the window. */
  leaderless = 0;
  /** Topic entries answered as unknown so far. */
  unknown = 0;

  /** From now on, for `ms`, metadata about `topic` says its partitions have no leader. */
  noLeaderFor(topic: string, ms: number): void {
    this.inject(topic, ms, 'leaderless');
  }

  /** From now on, for `ms`, metadata about `topic` says the broker does not know it. */
  unknownFor(topic: string, ms: number): void {
    this.inject(topic, ms, 'unknown');
  }

  private inject(topic: string, ms: number, fault: Fault): void {
    this.topic = topic;
    this.fault = fault;
    this.until = Date.now() + ms;
  }

  readonly factory: ISocketFactory = ({ host, port, onConnect }) => {
    /** Correlation ids of metadata requests in flight on this connection, with their versions. */
    const metadata = new Map<number, number>();
    return tappedSocket(host, port, onConnect, {
      request: (key, version, correlation) => { if (key === METADATA) metadata.set(correlation, version); },
      response: (frame, correlation) => {
        const version = metadata.get(correlation);
        if (version === undefined) return true;
        metadata.delete(correlation);
        if (this.topic === undefined || Date.now() >= this.until) return true;
        const marked = rewriteMetadata(frame, version, this.topic, this.fault);
        if (this.fault === 'leaderless') this.leaderless += marked;
        else this.unknown += marked;
        return true;
      },
    });
  };
}

/**
 * Rewrites, in place, a Metadata v5/v6 response (the versions kafkajs speaks to Kafka 3.x and
 * 4.x): 'leaderless' gives every partition of `topic` error LEADER_NOT_AVAILABLE and leader -1
 * and returns how many; 'unknown' gives the topic itself error UNKNOWN_TOPIC_OR_PARTITION and
 * returns 1 when the answer named it.
 */
function rewriteMetadata(frame: Buffer, version: number, topic: string, fault: Fault): number {
  if (version !== 5 && version !== 6) throw new Error(`NoLeaderNetwork knows Metadata v5/v6 answers, not v${version}`);
  let o = 8; // past size and correlation id
  const int32 = () => {
    const v = frame.readInt32BE(o);
    o += 4;
    return v;
  };
  const string = () => {
    const n = frame.readInt16BE(o);
    o += 2;
    const s = n < 0 ? null : frame.toString('utf8', o, o + n);
    o += Math.max(0, n);
    return s;
  };
  o += 4; // throttle_time_ms
  for (let b = int32(); b > 0; b--) {
    o += 4; // node_id
    string(); // host
    o += 4; // port
    string(); // rack
  }
  string(); // cluster_id
  o += 4; // controller_id
  let marked = 0;
  for (let t = int32(); t > 0; t--) {
    const errorAt = o;
    o += 2; // error_code
    const name = string();
    if (name === topic && fault === 'unknown') {
      frame.writeInt16BE(UNKNOWN_TOPIC_OR_PARTITION, errorAt);
      marked++;
    }
    o += 1; // is_internal
    for (let p = int32(); p > 0; p--) {
      if (name === topic && fault === 'leaderless') {
        frame.writeInt16BE(LEADER_NOT_AVAILABLE, o);
        frame.writeInt32BE(-1, o + 6);
        marked++;
      }
      o += 2 + 4 + 4; // error_code, partition_index, leader_id
      for (let list = 0; list < 3; list++) {
        const n = int32(); // replicas, isr, offline_replicas: arrays of node ids
        o += 4 * Math.max(0, n);
      }
    }
  }
  return marked;
}
