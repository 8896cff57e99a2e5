import { cpus, loadavg } from 'node:os';

/** The machine is shared: say how busy it was, so a reader can weigh the figures. */
export function loadAvg(): string {
  return `${loadavg().map((l) => l.toFixed(2)).join(' / ')} on ${cpus().length} cores`;
}
