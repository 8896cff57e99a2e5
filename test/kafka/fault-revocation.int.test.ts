import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scenario } from './scenario.js';

/**
 * Members join and leave while a detector publishes: its partitions are revoked mid-batch,
 * again and again (graceful leaves and kills). No commit may pass offsets whose alerts were
 * not published, so every alert reaches users, and after dedupe by (id, state) nothing more.
 */
describe('revocation during publish: members come and go mid-stream', () => {
  const s = new Scenario('fault-revoke');
  beforeAll(() => s.setUp());
  afterAll(() => s.tearDown());

  it('loses no alert and adds none', async () => {
    // Trends go out every second per partition with every transition: a publish is in flight most of the time.
    const a = s.start(['--engine-threads', '1']);
    const eighth = Math.ceil(s.traffic.length / 8);
    for (let i = 0; i < 8; i++) {
      const chunk = s.traffic.slice(i * eighth, (i + 1) * eighth);
      const joiner = s.start();
      const sending = s.send(chunk);
      await new Promise((r) => setTimeout(r, 1500 + 400 * i));
      await joiner.kill(i % 2 === 0 ? 'SIGTERM' : 'SIGKILL');
      await sending;
    }
    await s.send(s.events.slice(s.traffic.length));
    const seen = await s.allAlerts();
    expect(seen).toEqual(s.expected);
    expect(a.child.exitCode).toBeNull();
    if (process.env.HW_DEBUG) console.log(s.logs());
  });
});
