import { propagation, ROOT_CONTEXT, type TextMapPropagator } from '@opentelemetry/api';
import type { Kafka } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaEventSink } from './event-sink.js';
import { contextFromHeaders, traceHeaders } from './trace.js';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** Stands in for the SDK's W3C propagator: injects a fixed traceparent, extracts what it finds. */
const fixed: TextMapPropagator = {
  inject: (_ctx, carrier, setter) => setter.set(carrier, 'traceparent', TRACEPARENT),
  extract: (ctx, carrier, getter) => ctx.setValue(Symbol.for('tp'), getter.get(carrier, 'traceparent')),
  fields: () => ['traceparent'],
};

describe('trace context in Kafka headers', () => {
  afterEach(() => propagation.disable());

  it('adds nothing when no propagator is registered', () => {
    expect(traceHeaders()).toBeUndefined();
  });

  it('puts the caller\'s traceparent on every produced record and reads it back', async () => {
    propagation.setGlobalPropagator(fixed);
    const sent: { headers?: Record<string, unknown> }[][] = [];
    const producer = { connect: async () => undefined, disconnect: async () => undefined, send: async ({ messages }: { messages: never[] }) => void sent.push(messages) };
    const admin = { connect: async () => undefined, disconnect: async () => undefined, fetchTopicMetadata: async () => ({ topics: [{ partitions: [{}, {}, {}] }] }) };
    const sink = new KafkaEventSink({ producer: () => producer, admin: () => admin } as unknown as Kafka, { topic: 't' });
    await sink.send([{ id: 'e1', type: 'view', ts: 1, productId: 'P1' }, { id: 'e2', type: 'view', ts: 2, productId: 'P2' }]);
    // Packed records (one per partition) carry the trace context of the send they came from.
    expect(sent[0]!.length).toBeGreaterThan(0);
    expect(sent[0]!.every((m) => m.headers?.traceparent === TRACEPARENT)).toBe(true);
    expect(contextFromHeaders({ traceparent: Buffer.from(TRACEPARENT) }).getValue(Symbol.for('tp'))).toBe(TRACEPARENT);
    expect(contextFromHeaders(undefined)).toBe(ROOT_CONTEXT);
  });
});
