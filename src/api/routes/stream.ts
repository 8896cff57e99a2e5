import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { ruleMatches, type QueryStore, type StoreEvent } from '../../store/types.js';
import type { ApiMetrics } from '../../metrics/api.js';
import { requireKnownRule, type RuleSources } from '../known-rule.js';
import { errorReplies, StreamQuery } from '../schemas.js';

export interface StreamDeps extends RuleSources {
  readonly store: QueryStore;
  readonly metrics: ApiMetrics;
  readonly heartbeatSec: number;
}

const MAX_BUFFERED_BYTES = 1_048_576;

function frame(event: string, data: unknown, id?: string): string {
  return `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * GET /api/v1/stream: server-sent events. On connect the client gets the current trending
 * snapshots, then every alert transition and snapshot as it happens, and a comment line
 * every heartbeat so proxies keep the connection open. A client that goes away is
 * unsubscribed at once; the server ends open streams when it shuts down.
 */
export async function streamRoute(app: FastifyInstance, deps: StreamDeps): Promise<void> {
  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });

  app.get<{ Querystring: Static<typeof StreamQuery> }>('/api/v1/stream', {
    schema: {
      summary: 'Live alerts and trending (server-sent events)', tags: ['query'],
      description: 'text/event-stream with events `alert` (a transition, id = transition id|state) and `trending` (a snapshot); `: heartbeat` comments keep it open.',
      querystring: StreamQuery,
      response: {
        200: { description: 'An endless event stream', content: { 'text/event-stream': { schema: Type.String() } } },
        ...errorReplies({ 400: 'Invalid query parameter', 401: 'Missing or unknown token', 403: 'Token lacks role read', 404: 'No such rule (HW_ERR_NOT_FOUND)', 429: 'Rate limit; see Retry-After' }),
      },
    },
    // A HEAD would open an endless stream with no body to read.
    exposeHeadRoute: false,
    config: { role: 'read', rateLimited: true },
  }, async (request, reply) => {
    const { rule, types } = request.query;
    // Before the stream opens: a typo in `rule` is a 404, not a stream that never says anything.
    await requireKnownRule(rule, request, deps);
    const wanted = new Set((types ?? 'alert,trending').split(','));
    const res = reply.raw;
    reply.hijack();
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    if (wanted.has('trending')) for (const s of deps.store.trending(rule)) res.write(frame('trending', s));

    const send = (ev: StoreEvent) => {
      // A client that stops reading would make us buffer without bound: drop it; it can reconnect.
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        res.destroy();
        return;
      }
      if (ev.kind === 'alert' && wanted.has('alert') && ruleMatches(ev.transition.rule, rule)) {
        res.write(frame('alert', ev.transition, `${ev.transition.id}|${ev.transition.state}`));
      } else if (ev.kind === 'trending' && wanted.has('trending') && ruleMatches(ev.snapshot.rule, rule)) {
        res.write(frame('trending', ev.snapshot));
      }
    };
    const unsubscribe = deps.store.subscribe(send);
    const heartbeat = setInterval(() => res.write(`: heartbeat ${new Date().toISOString()}\n\n`), deps.heartbeatSec * 1000);
    heartbeat.unref();
    open.add(res);
    deps.metrics.streamClients.inc();
    res.on('close', () => {
      unsubscribe();
      clearInterval(heartbeat);
      open.delete(res);
      deps.metrics.streamClients.dec();
    });
  });
}
