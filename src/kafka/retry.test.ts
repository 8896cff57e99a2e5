import { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { HwError } from '../errors.js';
import { isTransient, sendWhileTransient } from './retry.js';

/** What kafkajs's producer throws when a metadata refresh inside a send keeps hearing "no leader" past the client's retry budget. */
function noLeaderGivenUp(): Error {
  const noLeader = new KafkaJSProtocolError({ message: 'There is no leader for this topic-partition as we are in the middle of a leadership election', type: 'LEADER_NOT_AVAILABLE', code: 5, retriable: true } as never);
  const exceeded = new KafkaJSNumberOfRetriesExceeded(noLeader, { retryCount: 5, retryTime: 500 });
  // As kafkajs's retrier builds it (its typings omit the cause argument).
  return Object.assign(new KafkaJSNonRetriableError(exceeded), { cause: exceeded.cause ?? exceeded });
}

describe('isTransient', () => {
  it('sees a passing cause through kafkajs\'s non-retriable wrappers and ours', () => {
    expect(isTransient(noLeaderGivenUp())).toBe(true);
    expect(isTransient(new HwError('HW_ERR_KAFKA', { message: 'Kafka did not accept the events', cause: noLeaderGivenUp() }))).toBe(true);
  });

  it('does not retry what Kafka refuses for good, nor errors that are not Kafka\'s', () => {
    const tooLarge = new KafkaJSProtocolError({ message: 'The request included a message larger than the max message size the server will accept', type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false } as never);
    expect(isTransient(Object.assign(new KafkaJSNonRetriableError(tooLarge), { cause: tooLarge }))).toBe(false);
    expect(isTransient(new Error('broker went away'))).toBe(false);
    expect(isTransient(new TypeError('x is undefined'))).toBe(false);
    expect(isTransient(undefined)).toBe(false);
  });
});

describe('sendWhileTransient', () => {
  it('sends again after transient failures while the caller still waits', async () => {
    let calls = 0;
    const sent = await sendWhileTransient(async () => {
      if (++calls < 3) throw noLeaderGivenUp();
      return 'acknowledged';
    }, () => true);
    expect([sent, calls]).toEqual(['acknowledged', 3]);
  });

  it('stops when the caller no longer waits, and at once on a lasting failure', async () => {
    let calls = 0;
    let waiting = true;
    const gaveUp = sendWhileTransient(async () => {
      calls++;
      waiting = false;
      throw noLeaderGivenUp();
    }, () => waiting);
    await expect(gaveUp).rejects.toThrow(/no leader/);
    expect(calls).toBe(1);
    let lasting = 0;
    await expect(sendWhileTransient(async () => {
      lasting++;
      throw new Error('broker went away');
    }, () => true)).rejects.toThrow('broker went away');
    expect(lasting).toBe(1);
  });
});
