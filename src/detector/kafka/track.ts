import type { KafkaMessage } from 'kafkajs';
import type { EngineStats } from '../../engine/types.js';
import type { PartitionTrends } from '../../kafka/codec.js';
import type { BatchOutput } from './engines.js';

/** This thread's view of one assigned partition; its engine lives in the EngineHost. */
export class PartitionTrack {
  /** Next offset expected from the fetcher (ahead of nextOffset while batches wait). */
  fetchedTo: number;
  /** Next offset the engine will ingest. */
  nextOffset: number;
  lastMessageWall: number;
  stats: EngineStats | undefined;
  /** Latest trending snapshot not yet published, and when this partition's last one went out. */
  pendingTrends: PartitionTrends | undefined;
  trendsSentAt: number;
  /** A publish failed: the partition is being rewound to its last commit; nothing of it is processed or committed. */
  recovering = false;

  constructor(readonly partition: number, readonly liveFrom: number, startOffset: number, now: number) {
    this.fetchedTo = startOffset;
    this.nextOffset = startOffset;
    this.lastMessageWall = now;
    // The first snapshot waits its turn too: a fresh assignment is a burst of batches.
    this.trendsSentAt = now;
  }

  get replaying(): boolean {
    return this.nextOffset < this.liveFrom;
  }
}

export interface Job {
  readonly track: PartitionTrack;
  readonly messages: KafkaMessage[];
  readonly last: number;
  readonly high: number;
  /** Started at intake when the engines run in a worker (they evaluate in order there). */
  readonly evaluating?: Promise<BatchOutput>;
}
