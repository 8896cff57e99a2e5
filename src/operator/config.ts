import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse } from 'yaml';
import { HwError } from '../errors.js';
import { DEFAULT_RENDER_OPTIONS, type RenderOptions } from './options.js';

const Resources = Type.Object({ cpu: Type.Optional(Type.String()), memory: Type.Optional(Type.String()) }, { additionalProperties: false });

/** The operator's config file (the chart renders it from values.yaml `detector:`). */
export const OperatorConfigSchema = Type.Object({
  image: Type.Optional(Type.String({ minLength: 1 })),
  imagePullPolicy: Type.Optional(Type.Union([Type.Literal('Always'), Type.Literal('IfNotPresent'), Type.Literal('Never')])),
  partitions: Type.Optional(Type.Integer({ minimum: 1 })),
  topicPartitions: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 1 }))),
  defaultTopic: Type.Optional(Type.String({ minLength: 1 })),
  resources: Type.Optional(Type.Object({ requests: Type.Optional(Resources), limits: Type.Optional(Resources) }, { additionalProperties: false })),
  env: Type.Optional(Type.Array(Type.Object({
    name: Type.String({ minLength: 1 }),
    value: Type.Optional(Type.String()),
    valueFrom: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }, { additionalProperties: false }))),
  serviceAccountName: Type.Optional(Type.String({ minLength: 1 })),
  nodeSelector: Type.Optional(Type.Record(Type.String(), Type.String())),
  tolerations: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()))),
  metricsPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  progressDeadlineSeconds: Type.Optional(Type.Integer({ minimum: 1 })),
  version: Type.Optional(Type.String({ minLength: 1 })),
  hotReload: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

/** Parses the YAML config; unknown keys and wrong types are HW_ERR_CONFIG naming the field. */
export function parseOperatorConfig(text: string, source = 'operator config'): Partial<RenderOptions> {
  let doc: unknown;
  try {
    doc = parse(text) ?? {};
  } catch (err) {
    throw new HwError('HW_ERR_CONFIG', { source, message: `not valid YAML: ${(err as Error).message}` });
  }
  const first = Value.Errors(OperatorConfigSchema, doc).First();
  if (first) {
    throw new HwError('HW_ERR_CONFIG', { source, field: first.path || '/', expected: first.message.toLowerCase(), message: 'operator config is invalid' });
  }
  return doc as Partial<RenderOptions>;
}

export function renderOptionsFrom(file: Partial<RenderOptions>, flags: Partial<RenderOptions>): RenderOptions {
  const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined && v !== ''));
  return { ...DEFAULT_RENDER_OPTIONS, ...file, ...defined };
}
