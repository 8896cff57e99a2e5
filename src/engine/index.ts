/**
 * The detection engine: pure, event-time, deterministic. See docs/engine.md.
 * `createRuleEngine(rule)` gives one rule's detector; feed it events, read transitions.
 */
export { createRuleEngine, type EngineOptions } from './engine.js';
export type {
  AlertState, CompiledDetector, CompiledRule, EngineStats, IngestOptions, RuleEngine, Transition, TrendingEntry, TrendingSnapshot,
} from './types.js';
export { surgeScore } from './baseline.js';
export { transitionId } from './transition.js';
