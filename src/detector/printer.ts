import type { CompiledRule } from '../engine/types.js';
import type { AlertSink } from '../bus/types.js';
import { safeText } from '../terminal/safe-text.js';
import { formatTransition } from './format.js';

/**
 * An AlertSink that writes one line per transition (or NDJSON with `json`) — the terminal view.
 * Keys and reasons come from events: control characters in them are escaped, never printed.
 */
export function printingSink(write: (line: string) => void, rules: readonly CompiledRule[], opts: { json?: boolean } = {}): AlertSink {
  const keyName = new Map(rules.map((r) => [`${r.namespace}/${r.name}`, r.key]));
  return {
    sendAlerts: async (transitions) => {
      for (const t of transitions) write(opts.json ? safeText(JSON.stringify(t)) : safeText(formatTransition(t, keyName.get(t.rule) ?? 'key')));
    },
    sendTrends: async () => undefined,
  };
}
