import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { buildApi } from '../api/app.js';
import { summarizeRule } from '../api/rule-summary.js';
import type { ApiSettings } from '../config/api.js';
import type { LoadedRule } from '../rules/index.js';
import { createKafkaBackend, type KafkaBackend } from './backend.js';
import type { KafkaSettings } from './config.js';

/**
 * `herdwatch api --bus kafka`: ingest produces to the events topic; trending, alerts and
 * the live stream come from the alerts and trends topics that the detectors write. The
 * API is ready once it has read what was on those topics when it started.
 */
export async function startKafkaApi(o: {
  kafka: KafkaSettings;
  registry: Registry;
  settings?: Partial<ApiSettings>;
  rules?: readonly LoadedRule[];
}): Promise<{ app: FastifyInstance; backend: KafkaBackend; close(): Promise<void> }> {
  const backend = await createKafkaBackend(o.kafka, o.settings?.sendTimeoutMs ? { sendTimeoutMs: Math.max(100, o.settings.sendTimeoutMs - 100) } : {});
  const summaries = (o.rules ?? []).map(summarizeRule);
  const app = await buildApi({
    sink: backend.sink,
    store: backend.store,
    registry: o.registry,
    rules: () => summaries,
    ready: () => backend.ready(),
    ...(o.settings ? { settings: o.settings } : {}),
  });
  return {
    app, backend,
    async close() {
      await app.close();
      await backend.close();
    },
  };
}
