import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { HwError } from '../../errors.js';
import type { NotifierStore } from '../../store/notify/types.js';
import { described, errorReplies } from '../schemas.js';
import { guarded, STORE_ROUTE_ERRORS } from './history-common.js';

const COMMON = STORE_ROUTE_ERRORS;
const DisabledTargetBody = Type.Object({
  target: Type.String({ description: '<namespace>/<rule>/<kind>#<index>' }),
  endpoint: Type.String({ description: 'Hash of the URL that answered 410 (a new URL in the Secret enables the target by itself)' }),
  reason: Type.String({ description: 'The answer that disabled it' }),
  at: Type.Number({ description: 'When, epoch ms' }),
});
const DisabledTargetsResult = Type.Object({ targets: Type.Array(DisabledTargetBody) });
const TargetParams = Type.Object({ target: Type.String({ minLength: 1, maxLength: 600, description: 'The target, URL-encoded (it contains / and #)' }) });

/**
 * Webhook targets the notifier stopped sending to because their receiver answered 410 Gone, and
 * the way back: once the receiver is fixed, DELETE enables the target again (the notifier's
 * replicas notice within 30 s). Deliveries that already ended as dead letters stay dead.
 */
export async function disabledTargetRoutes(app: FastifyInstance, deps: { store: NotifierStore }): Promise<void> {
  const { store } = deps;
  app.get('/api/v1/disabled-targets', {
    schema: {
      summary: 'Channel targets disabled by their receiver (HTTP 410 Gone)', tags: ['history'],
      response: { 200: described(DisabledTargetsResult, 'Disabled targets'), ...COMMON },
    },
    config: { role: 'read', rateLimited: true },
  }, async () => ({ targets: await guarded(() => store.disabledTargets()) }));

  app.delete<{ Params: Static<typeof TargetParams> }>('/api/v1/disabled-targets/:target', {
    schema: {
      summary: 'Enable a disabled target again', tags: ['history'], params: TargetParams,
      response: { 204: Type.Null({ description: 'Enabled' }), ...errorReplies({ 404: 'The target is not disabled' }), ...COMMON },
    },
    config: { role: 'edit', rateLimited: true },
  }, async (request, reply) => {
    if (!(await guarded(() => store.enableTarget(request.params.target)))) {
      throw new HwError('HW_ERR_NOT_FOUND', { field: 'target', message: `${request.params.target} is not disabled` });
    }
    return reply.code(204).send();
  });
}
