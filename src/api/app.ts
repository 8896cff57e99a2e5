import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { DEFAULT_API_SETTINGS, type ApiSettings } from '../config/api.js';
import { createApiMetrics } from '../metrics/api.js';
import { createRegistry } from '../metrics/registry.js';
import { silentLogger } from '../log/logger.js';
import { installAuth } from './auth.js';
import { installCors } from './cors.js';
import { GuardedSink } from './backpressure.js';
import { installErrorHandling } from './errors.js';
import { answerClientError } from './client-errors.js';
import { installOpenApi } from './openapi.js';
import { failOnSchemaDrift } from './response-check.js';
import { RateLimiter } from './rate-limit.js';
import { eventsRoute } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { historyRoutes } from './routes/history.js';
import { queryRoutes } from './routes/query.js';
import { streamRoute } from './routes/stream.js';
import { backtestRoutes } from './routes/backtest.js';
import { liveDataRoutes } from './routes/live-data.js';
import { meRoute } from './routes/me.js';
import { rulesRoutes } from './routes/rules.js';
import { defaultWebRoot, webAppRoutes } from './static.js';
import type { ApiDeps } from './types.js';

/**
 * The HTTP API as a fastify instance, with every collaborator passed in. Not listening:
 * tests use `app.inject()`, commands call `app.listen()`.
 */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const settings: ApiSettings = { ...DEFAULT_API_SETTINGS, ...deps.settings };
  const clock = deps.clock ?? Date.now;
  const registry = deps.registry ?? createRegistry();
  const metrics = createApiMetrics(registry);

  const app = Fastify({
    // Requests are logged through the process logger's child; without one, nothing is logged.
    loggerInstance: (deps.logger ?? silentLogger).child({ component: 'api' }) as FastifyBaseLogger,
    bodyLimit: settings.bodyLimitBytes,
    // Unknown query parameters are an error (a typo should not silently do nothing).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, useDefaults: true } },
    forceCloseConnections: true,
    // A client that stalls mid-request is answered 408 and closed instead of holding its connection.
    requestTimeout: settings.requestTimeoutMs,
    http: {
      requestTimeout: settings.requestTimeoutMs,
      headersTimeout: Math.min(60_000, settings.requestTimeoutMs),
      // How often Node looks for expired requests; the default 30 s would let a short timeout run long.
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(settings.requestTimeoutMs / 4))),
    },
    clientErrorHandler: answerClientError,
  });
  installErrorHandling(app, { bodyLimit: settings.bodyLimitBytes, retryAfterSec: settings.retryAfterSec }, metrics);
  installCors(app, settings.corsOrigins);
  installAuth(app, settings, new RateLimiter(settings.rateLimitPerSec, settings.rateBurst, clock));

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requestDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  if (deps.failOnSchemaDrift) failOnSchemaDrift(app);
  await installOpenApi(app);
  const sink = new GuardedSink(deps.sink, { timeoutMs: settings.sendTimeoutMs, maxInFlight: settings.maxInFlight, retryAfterSec: settings.retryAfterSec }, metrics);
  await app.register(async (scope) => eventsRoute(scope, { sink, metrics, clock, maxFutureSkewMs: settings.maxFutureSkewMs, ...(deps.tiers ? { tiers: deps.tiers } : {}) }));
  const repo = deps.rulesRepo;
  await app.register(async (scope) => queryRoutes(scope, { store: deps.store, rules: deps.rules ?? (() => []), listRules: !repo, ...(repo ? { repo } : {}), ...(deps.notifications ? { history: deps.notifications } : {}) }));
  const notifications = deps.notifications;
  if (notifications) await app.register(async (scope) => historyRoutes(scope, { store: notifications, clock }));
  if (repo) await app.register(async (scope) => rulesRoutes(scope, { repo }));
  await app.register(async (scope) => meRoute(scope, { tokensRequired: settings.tokens.byHash.size > 0 || settings.authProxy, rulesBackend: repo?.backend ?? 'files', defaultNamespace: repo?.defaultNamespace ?? 'default' }));
  const live = deps.liveData;
  if (live) await app.register(async (scope) => liveDataRoutes(scope, live));
  const bt = deps.backtest;
  if (bt) await app.register(async (scope) => backtestRoutes(scope, { source: bt.source, ...(repo ? { repo } : {}), ...(bt.settings ? { settings: bt.settings } : {}) }));
  if (deps.webRoot !== null) {
    const root = deps.webRoot ?? defaultWebRoot();
    await app.register(async (scope) => webAppRoutes(scope, root));
  }
  await app.register(async (scope) => streamRoute(scope, { store: deps.store, metrics, heartbeatSec: settings.heartbeatSec, rules: deps.rules ?? (() => []), ...(repo ? { repo } : {}) }));
  await app.register(async (scope) => healthRoutes(scope, { registry, ready: deps.ready ?? (() => ({ ready: true })) }));
  await app.ready();
  return app;
}
