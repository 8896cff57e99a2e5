import type { HerdEvent } from '../events/schema.js';
import type { createSimulator } from './index.js';

/** Everything a simulator emits up to `until`, asked for every `step` ms as a live caller would. */
export function drain(sim: ReturnType<typeof createSimulator>, until: number, step: number): HerdEvent[] {
  const out: HerdEvent[] = [];
  for (let t = sim.cursor + step; t <= until; t += step) {
    for (const e of sim.eventsUntil(t)) out.push(e);
  }
  return out;
}
