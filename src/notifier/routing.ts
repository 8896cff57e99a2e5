import type { ChannelSpec } from '../rules/schema.js';
import type { ChannelKind } from '../store/notify/types.js';

/** Where one rule's alerts go: its channels, in the order the rule lists them. */
export interface RuleRoute {
  readonly rule: string;
  readonly ruleUid: string;
  readonly namespace: string;
  readonly channels: readonly ChannelSpec[];
}

export interface Target {
  /** `<namespace>/<rule>/<kind>#<index>`: stable while the rule's channel list is. */
  readonly target: string;
  readonly kind: ChannelKind;
  readonly spec: ChannelSpec;
  readonly namespace: string;
}

/** Finds a rule's route from a transition (by uid first, then by namespace/name). */
export interface RuleDirectory {
  lookup(ruleUid: string, rule: string): RuleRoute | undefined;
}

export function kindOf(spec: ChannelSpec): ChannelKind | undefined {
  if (spec.slack) return 'slack';
  if (spec.email) return 'email';
  if (spec.alertmanager) return 'alertmanager';
  if (spec.webhook) return 'webhook';
  return undefined;
}

export function targetsOf(route: RuleRoute): Target[] {
  const out: Target[] = [];
  route.channels.forEach((spec, i) => {
    const kind = kindOf(spec);
    if (kind) out.push({ target: `${route.rule}/${kind}#${i}`, kind, spec, namespace: route.namespace });
  });
  return out;
}

export function targetByName(route: RuleRoute, target: string): Target | undefined {
  return targetsOf(route).find((t) => t.target === target);
}

/** Rules known up front (rule files in `dev` and tests; a periodically refreshed list on Kubernetes). */
export class StaticRuleDirectory implements RuleDirectory {
  private byUid = new Map<string, RuleRoute>();
  private byName = new Map<string, RuleRoute>();

  constructor(routes: readonly RuleRoute[] = []) {
    this.replace(routes);
  }

  replace(routes: readonly RuleRoute[]): void {
    this.byUid = new Map(routes.map((r) => [r.ruleUid, r]));
    this.byName = new Map(routes.map((r) => [r.rule, r]));
  }

  lookup(ruleUid: string, rule: string): RuleRoute | undefined {
    return this.byUid.get(ruleUid) ?? this.byName.get(rule);
  }

  all(): RuleRoute[] {
    return [...this.byName.values()];
  }
}
