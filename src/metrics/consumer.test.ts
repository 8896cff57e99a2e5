import { describe, expect, it } from 'vitest';
import { ConsumerProgress } from './consumer.js';
import { createDetectorMetrics } from './detector.js';
import { createRegistry } from './registry.js';

async function values(registry: ReturnType<typeof createRegistry>, name: string): Promise<Record<string, number>> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  return Object.fromEntries((m?.values ?? []).map((v) => [Object.values(v.labels).join('/'), v.value]));
}

describe('consumer progress metrics', () => {
  it('report lag in offsets and seconds per partition, zero once caught up', async () => {
    let now = 1_000_000;
    const registry = createRegistry();
    const p = new ConsumerProgress(registry, 'shop/surge', () => now);
    p.assigned(0, 100, 100);
    p.processed(0, 150, now - 30_000, 200);
    now += 10_000;
    expect(await values(registry, 'herdwatch_detector_consumer_lag_offsets')).toEqual({ 'shop/surge/0': 50 });
    expect(await values(registry, 'herdwatch_detector_consumer_lag_seconds')).toEqual({ 'shop/surge/0': 40 });
    p.processed(0, 200, now, 200);
    expect(await values(registry, 'herdwatch_detector_consumer_lag_seconds')).toEqual({ 'shop/surge/0': 0 });
    // The broker moves on while nothing is processed: the lag shows without a new batch.
    p.highWatermark(0, 260);
    now += 5_000;
    expect(await values(registry, 'herdwatch_detector_consumer_lag_offsets')).toEqual({ 'shop/surge/0': 60 });
    expect(await values(registry, 'herdwatch_detector_consumer_lag_seconds')).toEqual({ 'shop/surge/0': 5 });
  });

  it('show replay progress until the partition is live, and drop revoked partitions', async () => {
    const registry = createRegistry();
    const p = new ConsumerProgress(registry, 'r', () => 0);
    p.assigned(3, 0, 400);
    p.processed(3, 100, 0, 500);
    expect(await values(registry, 'herdwatch_detector_replay_progress_ratio')).toEqual({ 'r/3': 0.25 });
    expect(await values(registry, 'herdwatch_detector_replay_remaining_offsets')).toEqual({ 'r/3': 300 });
    p.processed(3, 400, 0, 500);
    expect(await values(registry, 'herdwatch_detector_replay_progress_ratio')).toEqual({ 'r/3': 1 });
    p.revoked(3);
    expect(await values(registry, 'herdwatch_detector_replay_progress_ratio')).toEqual({});
  });

  it('give the watermark delay, and keep only the top trending keys over all partitions', async () => {
    const registry = createRegistry();
    const metrics = createDetectorMetrics(registry);
    const p = new ConsumerProgress(registry, 'r', () => 90_000);
    p.watermarkMs = 30_000;
    expect(await values(registry, 'herdwatch_detector_watermark_delay_seconds')).toEqual({ r: 60 });
    p.assigned(0, 0, 0);
    p.assigned(1, 0, 0);
    p.trending(metrics, 0, Array.from({ length: 8 }, (_, i) => ({ key: `a${i}`, lift: i })));
    p.trending(metrics, 1, Array.from({ length: 8 }, (_, i) => ({ key: `b${i}`, lift: i + 0.5 })));
    const lifts = await values(registry, 'herdwatch_trending_lift');
    expect(Object.keys(lifts)).toHaveLength(10);
    expect(lifts['r/b7']).toBe(7.5);
    p.revoked(1, metrics);
    expect(Object.keys(await values(registry, 'herdwatch_trending_lift')).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `r/a${i}`));
  });
});
