import { describe, expect, it } from 'vitest';
import { LiveLateness } from './lateness-watch.js';

describe("dev's status line", () => {
  it('warns about late events since the last status and a watermark ahead of event time', () => {
    const live = new LiveLateness();
    const now = Date.UTC(2026, 0, 1);
    expect(live.check([{ rule: 'shop/a', lateEvents: 0, watermark: now - 60_000 }], now)).toEqual([]);
    const w = live.check([{ rule: 'shop/a', lateEvents: 135, watermark: Date.UTC(2099, 0, 1) }], now);
    expect(w).toEqual(['warning: shop/a dropped 135 late events', "warning: shop/a's watermark jumped to 2099-01-01T00:00:00Z, ahead of event time"]);
    // Only new late events are reported the next time.
    expect(live.check([{ rule: 'shop/a', lateEvents: 135, watermark: now }], now)).toEqual([]);
  });
});
