import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers.js';
import { Scenario } from './scenario.js';

const joins = (log: string[]) => log.join('').split('\n').filter((l) => l.includes('"partitions assigned"')).length;

/**
 * One of two detectors stops for longer than the group session timeout in the middle of a
 * batch (SIGSTOP: a long GC pause, a starved CPU), then carries on. The group must settle
 * (no rebalance storm: a handful of rejoins, both members back), and users must see every
 * alert, after dedupe by (id, state) nothing more.
 */
describe('slow batch: a detector stalls longer than the session timeout', () => {
  const s = new Scenario('fault-slow');
  beforeAll(() => s.setUp());
  afterAll(() => s.tearDown());

  it('settles without a rebalance storm and loses no alert', async () => {
    const half = Math.floor(s.traffic.length / 2);
    const b = s.start();
    const c = s.start();
    await waitFor('both members to own partitions', () => (joins(b.log) > 0 && joins(c.log) > 0 ? true : undefined), 90_000, 250);
    await s.send(s.traffic.slice(0, half));
    await s.waitForCommittedShare(1 / 3);
    c.child.kill('SIGSTOP');
    const joinsBefore = joins(b.log) + joins(c.log);
    try {
      await s.send(s.traffic.slice(half));
      await new Promise((r) => setTimeout(r, 15_000));
    } finally {
      c.child.kill('SIGCONT');
    }
    await s.send(s.events.slice(s.traffic.length));
    const seen = await s.allAlerts();
    expect(seen).toEqual(s.expected);
    // The group is stable again with both members, after a few rejoins, not a storm.
    const group = await waitFor('the group to be stable with both members', async () => {
      const { groups } = await s.admin.describeGroups([s.groupId]);
      return groups[0]?.state === 'Stable' && groups[0].members.length === 2 ? groups[0] : undefined;
    }, 60_000, 500);
    expect(group.members).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 5000));
    const rejoins = joins(b.log) + joins(c.log) - joinsBefore;
    expect(rejoins).toBeLessThanOrEqual(6);
    expect(b.child.exitCode).toBeNull();
    expect(c.child.exitCode).toBeNull();
    if (process.env.HW_DEBUG) console.log(s.logs());
  });
});
