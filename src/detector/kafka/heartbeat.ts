/** What `heartbeating` returns when the group is rebalancing: the caller should return from eachBatch so kafkajs can rejoin. */
export const REBALANCING: unique symbol = Symbol('rebalancing');

/** kafkajs's heartbeat fails with these while the group reassigns partitions. */
function isRebalancing(err: unknown): boolean {
  const type = (err as { type?: string } | undefined)?.type;
  return type === 'REBALANCE_IN_PROGRESS' || type === 'ILLEGAL_GENERATION' || type === 'UNKNOWN_MEMBER_ID' || /rebalanc/i.test(String((err as Error)?.message));
}

/**
 * Waits for `work` inside eachBatch while telling the group coordinator, every `everyMs`,
 * that this member is alive: a wait longer than the session timeout (a slow offset lookup,
 * a full queue behind a stalled publish) must not get the member evicted, which would set
 * off a rebalance, whose rejoin waits for this very batch: a rebalance storm. When a
 * heartbeat says the group is rebalancing, stops waiting and returns REBALANCING (`work`
 * goes on; its result is dropped). Heartbeats run beside the wait, never delaying it.
 */
export async function heartbeating<T>(work: Promise<T>, heartbeat: () => Promise<void>, everyMs: number): Promise<T | typeof REBALANCING> {
  type Outcome = { ok: true; value: T } | { ok: false; error: unknown } | 'tick';
  const settled: Promise<Outcome> = work.then((value) => ({ ok: true, value }), (error: unknown) => ({ ok: false, error }));
  let rebalancing = false;
  let beating: Promise<void> | undefined;
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const tick = new Promise<'tick'>((r) => {
      timer = setTimeout(() => r('tick'), everyMs);
    });
    const r = await Promise.race([settled, tick]);
    clearTimeout(timer);
    if (r !== 'tick') {
      if (r.ok) return r.value;
      throw r.error;
    }
    if (rebalancing) return REBALANCING;
    beating ??= heartbeat().catch((err: unknown) => {
      if (isRebalancing(err)) rebalancing = true;
      // Other heartbeat errors (a broker away) are kafkajs's to report; the wait goes on.
    }).finally(() => {
      beating = undefined;
    });
  }
}
