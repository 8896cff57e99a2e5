import { HwError, isHwError } from '../../errors.js';
import { errorReplies } from '../schemas.js';

/** Error replies every route over the notifier's store can give. */
export const STORE_ROUTE_ERRORS = errorReplies({ 401: 'Missing or unknown token', 403: 'Token lacks the role', 429: 'Rate limit; see Retry-After', 503: 'The store is unavailable (HW_ERR_STORE)' });

/** Store failures become HW_ERR_STORE (503), so a client knows to retry. */
export async function guarded<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (isHwError(err)) throw err;
    throw new HwError('HW_ERR_STORE', { message: `the alert store failed: ${(err as Error).message}` });
  }
}
