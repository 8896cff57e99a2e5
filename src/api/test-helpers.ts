import type { FastifyInstance } from 'fastify';
import type { ApiSettings } from '../config/api.js';
import { parseTokens, sha256Hex } from '../config/tokens.js';
import { MemoryQueryStore } from '../store/memory.js';
import type { HerdEvent } from '../events/schema.js';
import type { EventSink } from '../bus/types.js';
import { createRegistry } from '../metrics/registry.js';
import { buildApi } from './app.js';
import type { ApiDeps } from './types.js';

/** A sink that records what it was sent. */
export function recordingSink(): EventSink & { sent: HerdEvent[] } {
  const sent: HerdEvent[] = [];
  return { sent, send: async (events) => void sent.push(...events) };
}

export const INGEST_TOKEN = 'ingest-secret';
export const READ_TOKEN = 'read-secret';
export const TOKENS = parseTokens(`${sha256Hex(INGEST_TOKEN)}:ingest,${sha256Hex(READ_TOKEN)}:read`);

export interface TestApi {
  readonly app: FastifyInstance;
  readonly store: MemoryQueryStore;
  readonly clock: { now: number };
  metric(name: string): Promise<string>;
}

export async function testApi(over: Partial<ApiDeps> & { settings?: Partial<ApiSettings> } = {}): Promise<TestApi> {
  const clock = { now: Date.UTC(2026, 0, 1, 12) };
  const store = new MemoryQueryStore();
  const registry = createRegistry();
  const app = await buildApi({ sink: recordingSink(), store, registry, clock: () => clock.now, failOnSchemaDrift: true, ...over });
  return {
    app, store, clock,
    async metric(name) {
      const text = await registry.metrics();
      return text.split('\n').filter((l) => l.startsWith(name)).join('\n');
    },
  };
}
