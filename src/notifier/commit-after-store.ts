import type { Consumer, EachBatchPayload } from 'kafkajs';

/**
 * The tail both notifier consumers share: store the decoded batch, and only then mark and commit
 * its last offset. A store failure is counted and rethrown, so kafkajs restarts the consumer and
 * the same records come again (the store's unique ids absorb the repeat). A batch whose
 * partition was revoked meanwhile (stale) is left for its new owner.
 */
export async function storeThenCommit(consumer: Pick<Consumer, 'commitOffsets'>, payload: EachBatchPayload,
  store: () => Promise<unknown>, onStoreError: () => void): Promise<void> {
  const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
  if (!isRunning() || isStale()) return;
  try {
    await store();
  } catch (err) {
    onStoreError();
    throw err;
  }
  const last = batch.messages[batch.messages.length - 1];
  if (last) {
    resolveOffset(last.offset);
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(Number(last.offset) + 1) }]);
  }
  await heartbeat();
}
