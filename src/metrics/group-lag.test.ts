import { AssignerProtocol, type Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { GroupLagMonitor } from './group-lag.js';
import { createRegistry } from './registry.js';

/** A broker as the admin client sees it: groups with committed offsets, topics with end offsets. */
function broker() {
  const state = {
    /** Topics the running group's member reads; undefined: no member (stopped). */
    reading: undefined as string[] | undefined,
    groups: { 'herdwatch-detector-shop-a': { 'shop.events': [10], 'old.events': [5] }, 'someone-else': { 'shop.events': [0] } } as Record<string, Record<string, number[]>>,
    ends: { 'shop.events': [10], 'old.events': [5] } as Record<string, number[]>,
  };
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    // No members: the detector is stopped (a running one is covered by the SRE integration suite).
    describeGroups: async (ids: string[]) => ({
      groups: ids.map((groupId) => ({
        groupId,
        members: state.reading ? [{ memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: Object.fromEntries(state.reading.map((t) => [t, [0]])), userData: Buffer.alloc(0) }) }] : [],
      })),
    }),
    listGroups: async () => ({ groups: Object.keys(state.groups).map((groupId) => ({ groupId, protocolType: 'consumer' })) }),
    fetchOffsets: async ({ groupId }: { groupId: string }) => Object.entries(state.groups[groupId] ?? {})
      .map(([topic, offs]) => ({ topic, partitions: offs.map((offset, partition) => ({ partition, offset: String(offset) })) })),
    fetchTopicOffsets: async (topic: string) => (state.ends[topic] ?? []).map((high, partition) => ({ partition, offset: String(high), high: String(high), low: '0' })),
  };
  return { state, kafka: { admin: () => admin } as unknown as Kafka };
}

async function series(registry: ReturnType<typeof createRegistry>, name: string): Promise<Record<string, number>> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  return Object.fromEntries((m?.values ?? []).map((v) => [Object.values(v.labels).join('/'), v.value]));
}

describe('consumer group lag read from the broker', () => {
  it('shows a stopped detector: records wait, and the seconds grow while its commit does not move', async () => {
    let now = 0;
    const { state, kafka } = broker();
    const registry = createRegistry();
    const m = new GroupLagMonitor(kafka, registry, { clock: () => now, topics: ['shop.events'] });
    await m.refresh();
    expect(await series(registry, 'herdwatch_consumer_group_lag_offsets')).toEqual({
      'herdwatch-detector-shop-a/shop.events/0': 0, 'herdwatch-detector-shop-a/old.events/0': 0,
    });
    // Traffic goes on, the detector commits nothing more.
    state.ends['shop.events'] = [60];
    now = 5_000;
    await m.refresh();
    now = 35_000;
    await m.refresh();
    expect(await series(registry, 'herdwatch_consumer_group_lag_offsets')).toMatchObject({ 'herdwatch-detector-shop-a/shop.events/0': 50 });
    expect(await series(registry, 'herdwatch_consumer_group_lag_seconds')).toEqual({
      // Measured from the last time it was seen caught up (t=0), not from the first time seen behind.
      'herdwatch-detector-shop-a/shop.events/0': 35, 'herdwatch-detector-shop-a/old.events/0': 0,
    });
    expect(await series(registry, 'herdwatch_topic_end_offset')).toMatchObject({ 'shop.events': 60 });
    // It comes back and commits: the clock restarts.
    state.groups['herdwatch-detector-shop-a']!['shop.events'] = [55];
    now = 40_000;
    await m.refresh();
    expect((await series(registry, 'herdwatch_consumer_group_lag_seconds'))['herdwatch-detector-shop-a/shop.events/0']).toBe(0);
  });

  it('counts only the topics a running group reads: offsets left on an old topic are not lag', async () => {
    const { state, kafka } = broker();
    state.ends['old.events'] = [9];
    state.reading = ['shop.events'];
    const registry = createRegistry();
    await new GroupLagMonitor(kafka, registry).refresh();
    expect(await series(registry, 'herdwatch_consumer_group_lag_offsets')).toEqual({ 'herdwatch-detector-shop-a/shop.events/0': 0 });
  });
});
