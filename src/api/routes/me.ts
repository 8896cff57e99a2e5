import type { FastifyInstance } from 'fastify';
import { described, Me } from '../schemas.js';

/** GET /api/v1/me: who the API thinks is asking, so the app can offer sign-in and edit controls. Always open. */
export async function meRoute(app: FastifyInstance, deps: { tokensRequired: boolean; rulesBackend: string; defaultNamespace: string }): Promise<void> {
  app.get('/api/v1/me', {
    schema: { summary: 'The caller: user, roles, whether tokens are required', tags: ['ops'], response: { 200: described(Me, 'Who is asking') } },
  }, async (request) => {
    const c = request.caller;
    return {
      authenticated: !deps.tokensRequired || c.roles.size > 0,
      tokensRequired: deps.tokensRequired,
      user: c.user,
      roles: [...c.roles],
      rulesBackend: deps.rulesBackend,
      defaultNamespace: deps.defaultNamespace,
    };
  });
}
