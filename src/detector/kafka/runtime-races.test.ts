import { afterEach, describe, expect, it } from 'vitest';
import type { HerdEvent } from '../../events/schema.js';
import { encodeEventBatch } from '../../kafka/codec.js';
import { createRegistry } from '../../metrics/registry.js';
import { compileRule, validateRuleSpec } from '../../rules/index.js';
import { FakeKafka, message } from './fake-kafka.js';
import { KafkaDetector } from './runtime.js';
import { silentLogger } from '../../log/logger.js';

const rule = compileRule({ uid: 'u', namespace: 't', name: 'big' }, validateRuleSpec({
  source: { eventTypes: ['purchase'] }, key: 'userId', detector: { type: 'threshold', field: 'amount', above: 50, bucket: '1m' }, severity: 'warning',
}));
const topics = { events: 't', alerts: 'alerts', trends: 'trends' };
const T = Date.parse('2026-01-01T10:00:00Z');

/** Batch k: user U<k> buys for 100 (offending), then a small purchase 5 min later closes its bucket: one firing per batch. */
function events(k: number): HerdEvent[] {
  return [
    { id: `a${k}`, type: 'purchase', ts: T + k * 600_000, userId: `U${k}`, amount: 100 },
    { id: `b${k}`, type: 'purchase', ts: T + k * 600_000 + 300_000, userId: 'Z', amount: 1 },
  ];
}
const batch = (k: number) => events(k).map((e, i) => message(2 * k + i, JSON.stringify(e), e.userId));
const firings = (fk: FakeKafka) => fk.sent.filter((s) => s.topic === 'alerts').map((s) => JSON.parse(s.value!).key as string);

async function until(what: string, cond: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const running: KafkaDetector[] = [];
async function detector(fk: FakeKafka, over: Partial<ConstructorParameters<typeof KafkaDetector>[0]> = {}): Promise<KafkaDetector> {
  const d = new KafkaDetector({ kafka: fk.asKafka(), rule, topics, registry: createRegistry(), replayMs: 0, idleAdvanceMs: 0, tickMs: 3_600_000, logger: silentLogger, ...over });
  await d.start();
  running.push(d);
  fk.join([0], 't');
  return d;
}

afterEach(() => {
  running.length = 0;
});

describe('detector runtime races', () => {
  it('a commit that fails while the broker stalls is sent again, so a partition with no more records catches up', async () => {
    const fk = new FakeKafka();
    await detector(fk, { commitRetryMs: 10 });
    fk.failCommits = 2;
    await fk.deliver(0, batch(0));
    // No later batch arrives on the partition: only a retry can commit it.
    await until('the published batch to be committed', () => fk.committed.get(0) === 2);
    expect(firings(fk)).toEqual(['U0']);
  });

  it('a member the group evicted, whose consumer does not rejoin, is restarted and commits again, repeating no alert', async () => {
    const fk = new FakeKafka();
    await detector(fk, { commitRetryMs: 10, rejoinAfterMs: 200 });
    await fk.deliver(0, batch(0));
    await until('the first batch to be committed', () => fk.committed.get(0) === 2);
    // The broker paused past the session timeout: the group dropped this member, kafkajs stays out.
    fk.memberGone = true;
    await fk.deliver(0, batch(1));
    await until('the evicted member to commit again', () => fk.committed.get(0) === 4);
    expect(fk.stops).toBe(1);
    // The rejoined consumer fetches again from the last commit (offset 2): already published, not repeated.
    await fk.deliver(0, batch(1));
    await fk.deliver(0, batch(2));
    await until('the next batch to be committed', () => fk.committed.get(0) === 6);
    expect(firings(fk)).toEqual(['U0', 'U1', 'U2']);
  });

  it('a failed publish loses no alert, even when the next batch arrives while it looks up the committed offset', async () => {
    const fk = new FakeKafka();
    await detector(fk);
    fk.failSends = 1;
    fk.committedGate.closed = true;
    await fk.deliver(0, batch(0));
    await until('recovery to ask for the committed offset', () => fk.committedGate.pending > 0);
    // kafkajs keeps fetching meanwhile: the next batch of the partition arrives in the gap.
    await fk.deliver(0, batch(1));
    await new Promise((r) => setTimeout(r, 50));
    fk.committedGate.open();
    await until('the seek back to the last commit', () => fk.seeks.length > 0);
    // kafkajs fetches again from where the detector sought.
    const from = fk.seeks.at(-1)!.offset;
    await new Promise((r) => setTimeout(r, 1200));
    await fk.deliver(0, [...batch(0), ...batch(1)].filter((m) => Number(m.offset) >= from));
    await until('both alerts', () => firings(fk).includes('U0') && firings(fk).includes('U1'), 4000).catch(() => undefined);
    expect(firings(fk)).toContain('U0');
    expect(firings(fk)).toContain('U1');
    // Nothing was committed past the failed batch before its alert went out.
    expect(Math.max(0, ...fk.commits.map((c) => c.offset))).toBe(4);
  });

  it('commits nothing for a partition revoked while its batch was being published', async () => {
    const fk = new FakeKafka();
    await detector(fk);
    fk.sendGate.closed = true;
    await fk.deliver(0, batch(0));
    await until('the publish to start', () => fk.sendGate.pending > 0);
    fk.join([], 't');
    fk.sendGate.open();
    await new Promise((r) => setTimeout(r, 100));
    expect(firings(fk)).toEqual(['U0']);
    expect(fk.commits).toEqual([]);
  });

  it('keeps heartbeating while a batch waits for queue space, and yields to a rebalance', async () => {
    const fk = new FakeKafka();
    await detector(fk, { maxQueuedBatches: 1, heartbeatIntervalMs: 20 });
    fk.sendGate.closed = true;
    let returned = false;
    void fk.deliver(0, batch(0)).then(() => (returned = true));
    await until('heartbeats while the publish hangs', () => fk.heartbeats >= 3);
    expect(returned).toBe(false);
    fk.rebalancing = true;
    await until('eachBatch to return for the rejoin', () => returned);
    fk.sendGate.open();
    await until('the alert', () => firings(fk).includes('U0'));
  });

  it('keeps heartbeating while it looks up where to replay from, and yields to a rebalance', async () => {
    const fk = new FakeKafka();
    await detector(fk, { replayMs: 3_600_000, heartbeatIntervalMs: 20 });
    fk.timestampGate.closed = true;
    let returned = false;
    void fk.deliver(0, batch(0)).then(() => (returned = true));
    await until('heartbeats while the lookup hangs', () => fk.heartbeats >= 3);
    fk.rebalancing = true;
    await until('eachBatch to return for the rejoin', () => returned);
    fk.rebalancing = false;
    fk.timestampGate.open();
    await fk.deliver(0, batch(0));
    await until('the alert', () => firings(fk).includes('U0'));
  });

  it('reads HWB1 binary batches as well as JSON events', async () => {
    const fk = new FakeKafka();
    await detector(fk);
    await fk.deliver(0, [message(0, encodeEventBatch(events(0)), 'U0'), message(1, JSON.stringify(events(1)[0])), message(2, JSON.stringify(events(1)[1]))]);
    await until('both alerts', () => firings(fk).length >= 2);
    expect(firings(fk)).toEqual(['U0', 'U1']);
    expect(fk.commits.at(-1)).toEqual({ partition: 0, offset: 3 });
  });

  it('runs its producer idempotent with unlimited retries, as kafkajs requires for exactly-once order', async () => {
    const fk = new FakeKafka();
    await detector(fk);
    expect(fk.producerOptions).toContainEqual(expect.objectContaining({ idempotent: true, retry: expect.objectContaining({ retries: Number.MAX_SAFE_INTEGER }) }));
  });
});
