import { createRuleEngine } from '../engine/index.js';
import type { CompiledRule, RuleEngine, Transition } from '../engine/types.js';
import type { HerdEvent } from '../events/schema.js';
import { createDetectorRunner, type DetectorRunner, type RunnerOptions } from './runner.js';

/**
 * A DetectorRunner whose rules can change while it runs (dev's rule editing): one runner
 * per rule; a rule that is added or changed gets a fresh engine warmed on the recent
 * history without emitting, so its baseline is not empty; unchanged rules keep their state.
 */
export interface RuleSetRunner extends DetectorRunner {
  setRules(rules: readonly CompiledRule[], warmup: () => Iterable<HerdEvent>): void;
}

export function createRuleSetRunner(opts: RunnerOptions): RuleSetRunner {
  const make = opts.createEngine ?? createRuleEngine;
  const single = (rule: CompiledRule, createEngine: (r: CompiledRule) => RuleEngine) => createDetectorRunner({ ...opts, rules: [rule], createEngine });
  let entries = opts.rules.map((rule) => ({ rule, runner: single(rule, make) }));
  const retired: DetectorRunner[] = [];
  const each = (f: (r: DetectorRunner) => Transition[]) => entries.flatMap((e) => f(e.runner));
  const same = (a: CompiledRule, b: CompiledRule) => JSON.stringify(a, replacer) === JSON.stringify(b, replacer);

  return {
    get rules() {
      return entries.map((e) => e.rule);
    },
    ingest: (events) => each((r) => r.ingest(events)),
    tick: (now) => each((r) => r.tick(now)),
    flush: (end) => each((r) => r.flush(end)),
    snapshots: () => entries.flatMap((e) => e.runner.snapshots()),
    stats: () => entries.flatMap((e) => e.runner.stats()),
    settled: async () => {
      await Promise.all([...entries.map((e) => e.runner.settled()), ...retired.splice(0).map((r) => r.settled())]);
    },
    setRules(rules, warmup) {
      const before = new Map(entries.map((e) => [e.rule.uid, e]));
      entries = rules.map((rule) => {
        const prev = before.get(rule.uid);
        if (prev && same(prev.rule, rule)) return prev;
        if (prev) retired.push(prev.runner);
        return {
          rule,
          runner: single(rule, (r) => {
            const engine = make(r);
            engine.ingest(warmup(), { silent: true });
            return engine;
          }),
        };
      });
      for (const [uid, e] of before) if (!rules.some((r) => r.uid === uid)) retired.push(e.runner);
    },
  };
}

/** Sets and maps are compared by content. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Set) return [...value].sort();
  if (value instanceof Map) return [...value].sort();
  return value;
}
