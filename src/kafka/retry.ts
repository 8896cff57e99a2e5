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
      const retriable = (err as { retriable?: boolean }).retriable === true || /not the leader|coordinator|leader not available|unknown topic/i.test(String((err as Error)?.message));
      if (!retriable || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.min(2000, (opts.delayMs ?? 100) * i)));
    }
  }
}
