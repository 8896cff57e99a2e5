/**
 * Whether a Kafka call failed for a passing reason (a partition without a leader for a moment,
 * a broker reconnecting or fenced): the deepest error of the cause chain that says whether it
 * is retriable says so. Not the outer one: kafkajs wraps a retriable cause in a non-retriable
 * KafkaJSNumberOfRetriesExceeded once an inner retry budget runs out (see sendWhileTransient).
 */
export function isTransient(err: unknown): boolean {
  let verdict: boolean | undefined;
  const seen = new Set<unknown>();
  for (let e = err; e !== null && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const retriable = (e as { retriable?: unknown }).retriable;
    if (typeof retriable === 'boolean') verdict = retriable;
  }
  return verdict === true;
}

/**
 * Retries an admin call while Kafka says "not yet" (a topic just created whose leader is
 * still being elected, a coordinator still loading): kafkajs marks those errors retriable.
 */
export async function retrying<T>(work: () => Promise<T>, opts: { attempts?: number; delayMs?: number } = {}): Promise<T> {
  const attempts = opts.attempts ?? 20;
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (err) {
      const retriable = isTransient(err) || /not the leader|coordinator|leader not available|unknown topic/i.test(String((err as Error)?.message));
      if (!retriable || i >= attempts) throw err;
      await backOff(i, opts.delayMs ?? 100, 2000);
    }
  }
}

/**
 * Sends again after a transient failure for as long as `keepTrying()` holds (a caller still
 * waits), backing off to a second between attempts; any other failure is thrown at once.
 *
 * Why: kafkajs's producer retries a send without limit, yet gives up when a metadata refresh
 * inside the send keeps answering LEADER_NOT_AVAILABLE (a single KRaft broker fenced after a
 * pause longer than its session timeout, a leader election on a loaded machine) for longer
 * than the client's own retry budget (about 3 s, src/kafka/config.ts): that budget ends in a
 * non-retriable error which stops the send's retries too. The send is repeated here instead;
 * callers pass a producer that starts a new producer id after a failure (FreshAfterFailureProducer).
 */
export async function sendWhileTransient<T>(send: () => Promise<T>, keepTrying: () => boolean): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await send();
    } catch (err) {
      if (!isTransient(err) || !keepTrying()) throw err;
      await backOff(i, 100, 1000);
    }
  }
}

function backOff(attempt: number, stepMs: number, capMs: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.min(capMs, stepMs * attempt)));
}
