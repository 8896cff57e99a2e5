import { hasCode, HwError } from '../errors.js';
import { isStatus, type KubeRequester, type RequestOptions } from './kube.js';
import type { LeaderElector, LeaseRecord } from './leader.js';
import { FIELD_MANAGER } from './names.js';

/**
 * Fencing the operator's writes by leader term (docs/adr/0012-operator-write-fence.md).
 *
 * A client cannot stop its own write once it is past the last check: a process frozen between
 * that check and the socket write sends it when it resumes, possibly after another replica took
 * the lease. So every write names the term it was made under, `<leaseTransitions>/<holder>` as
 * the Lease records it, and the chart's ValidatingAdmissionPolicy (templates/operator-fence.yaml)
 * makes the API server refuse any operator write whose term is not the Lease's current one.
 *
 * Where the term travels: server-side apply needs one stable field manager (it decides which
 * fields are ours to remove), so applied objects carry it in an annotation; every other write
 * (status and finalizer patches, Events) names it in its field manager, `herdwatch-operator/<term>`,
 * because a status write cannot change metadata.
 */
export const LEADER_TERM_ANNOTATION = 'herdwatch.io/leader-term';

const APPLY_PATCH = 'application/apply-patch+yaml';

/** The term a Lease record states: changes when the holder changes, and only then. */
export function leaderTerm(r: Pick<LeaseRecord, 'leaseTransitions' | 'holderIdentity'>): string {
  return `${r.leaseTransitions}/${r.holderIdentity}`;
}

type Meta = { metadata?: { annotations?: Record<string, string> } };

/** One write's options with its term added (the caller's options are not changed). */
export function stampTerm(opts: RequestOptions, term: string): RequestOptions {
  if (opts.contentType === APPLY_PATCH) {
    const body = (opts.body ?? {}) as Meta;
    const metadata = { ...body.metadata, annotations: { ...body.metadata?.annotations, [LEADER_TERM_ANNOTATION]: term } };
    return { ...opts, body: { ...body, metadata } };
  }
  return { ...opts, query: { ...opts.query, fieldManager: `${FIELD_MANAGER}/${term}` } };
}

/** The API server's answer when the fence refused a write (the policy's message carries the code). */
export function isFenceRefusal(err: unknown): boolean {
  return isStatus(err, 403) && (err as Error).message.includes('HW_ERR_NOT_LEADER');
}

/**
 * The Kubernetes API as the controller may use it: reads always; writes only while `elector`
 * holds the lease within its renew deadline, each cut off when that deadline passes, and each
 * stamped with the leader's term so the API server refuses it once another replica has taken
 * over. The client-side checks keep a stalled leader from trying; the stamp is what makes a
 * write that slipped past them (frozen between the check and the send) fail on arrival.
 */
export function leaderOnly(kube: KubeRequester, elector: Pick<LeaderElector, 'remainingMs' | 'term'>): KubeRequester {
  return {
    async request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, opts: RequestOptions = {}): Promise<T> {
      if (method === 'GET') return kube.request<T>(method, path, opts);
      const refuse = () => new HwError('HW_ERR_NOT_LEADER', { message: `refused ${method} ${path}: the leader lease's renew deadline passed` });
      const left = elector.remainingMs();
      const term = elector.term();
      if (left <= 0 || term === undefined) throw refuse();
      const deadline = AbortSignal.timeout(left);
      // Checked again at the last moment: most stalls land before the send, and cost no request.
      const beforeSend = () => {
        opts.beforeSend?.();
        if (elector.remainingMs() <= 0) throw refuse();
      };
      try {
        return await kube.request<T>(method, path, { ...stampTerm(opts, term), beforeSend, signal: opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline });
      } catch (err) {
        if (!hasCode(err, 'HW_ERR_NOT_LEADER') && isFenceRefusal(err)) {
          throw new HwError('HW_ERR_NOT_LEADER', { message: `refused ${method} ${path}: the API server's fence found leader term ${term} is no longer current`, cause: err });
        }
        throw err;
      }
    },
  };
}
