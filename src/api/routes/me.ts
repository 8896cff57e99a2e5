import type { FastifyInstance } from 'fastify';

/** GET /api/v1/me: who the API thinks is asking, so the app can offer sign-in and edit controls. Always open. */
export async function meRoute(app: FastifyInstance, deps: { tokensRequired: boolean; rulesBackend: string; defaultNamespace: string }): Promise<void> {
  app.get('/api/v1/me', {
    config: { openapi: { summary: 'The caller: user, roles, whether tokens are required', tags: ['ops'], responses: { 200: { description: '{authenticated, tokensRequired, user, roles, rulesBackend}' } } } },
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
