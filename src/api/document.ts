import type { FastifyInstance } from 'fastify';
import { MemoryQueryStore } from '../store/memory.js';
import { MemoryNotifierStore } from '../store/notify/memory.js';
import { EventHistory } from '../store/history.js';
import { TrendSamples } from '../store/trend-samples.js';
import { buildApi } from './app.js';
import { OPENAPI_PATH } from './openapi.js';
import { MemoryRuleRepository } from './rules/memory.js';
import { historySource } from './routes/backtest.js';
import { historyLiveData } from './routes/live-data.js';
import type { ApiDeps } from './types.js';

/**
 * The API with every optional part switched on (alert history, rules CRUD, live data,
 * backtests), on in-memory collaborators: what docs/openapi.json documents, and what the
 * test that every route is in the document inspects.
 */
export async function fullApi(over: Partial<ApiDeps> = {}, history = new EventHistory(1_000)): Promise<FastifyInstance> {
  const store = new MemoryQueryStore();
  return buildApi({
    sink: { send: async () => undefined },
    store,
    notifications: new MemoryNotifierStore(),
    rulesRepo: new MemoryRuleRepository({ rules: [] }),
    liveData: { ...historyLiveData(history), samples: new TrendSamples(), store, rules: () => [] },
    backtest: { source: historySource(history) },
    webRoot: null,
    ...over,
  });
}

/** The OpenAPI document of the full API, as /api/v1/openapi.json serves it. */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const app = await fullApi();
  try {
    return (await app.inject(OPENAPI_PATH)).json<Record<string, unknown>>();
  } finally {
    await app.close();
  }
}
