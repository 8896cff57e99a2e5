import { Type } from '@sinclair/typebox';

/** Schemas of the rules CRUD routes. */

export const NameParams = Type.Object({
  namespace: Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }),
  name: Type.String({ pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 }),
});
export const WriteQuery = Type.Object({
  dryRun: Type.Optional(Type.Boolean({ description: 'Validate and authorise only (the Kubernetes API server runs dryRun=All); change nothing' })),
}, { additionalProperties: false });
export const ListQuery = Type.Object({ full: Type.Optional(Type.Boolean({ description: 'Accepted for compatibility; specs are always included' })) }, { additionalProperties: false });
export const RuleBody = Type.Object({
  metadata: Type.Object({
    name: Type.String({ maxLength: 253 }),
    namespace: Type.Optional(Type.String({ maxLength: 63 })),
    resourceVersion: Type.Optional(Type.String({ description: 'The version edited; 409 when the rule changed meanwhile' })),
  }),
  spec: Type.Unknown({ description: 'The HerdRule spec (docs/rules.md); validated with every problem reported in `issues`' }),
});

/** A rule: the summary fields older clients read, plus the spec and status the web app edits. */
export const RuleView = Type.Object({
  name: Type.String(), namespace: Type.String(), uid: Type.String(),
  detector: Type.String(), key: Type.String(), severity: Type.String(), paused: Type.Boolean(),
  description: Type.Optional(Type.String()),
  file: Type.Optional(Type.String({ description: 'The rule file it came from (dev)' })),
  spec: Type.Unknown({ description: 'The HerdRule spec (docs/rules.md)' }),
  status: Type.Optional(Type.Unknown({ description: 'The operator\'s status of the rule (Kubernetes)' })),
  resourceVersion: Type.Optional(Type.String()),
});
export const RuleList = Type.Object({ rules: Type.Array(RuleView) });

export const AuditResult = Type.Object({
  entries: Type.Array(Type.Object({
    at: Type.Number({ description: 'epoch ms' }),
    actor: Type.String(),
    action: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('delete'), Type.Literal('pause'), Type.Literal('resume')]),
    rule: Type.String({ description: 'namespace/name' }),
    summary: Type.String(),
  })),
});
