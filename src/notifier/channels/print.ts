import { factsOf } from '../render/facts.js';
import type { Channel, SendRequest, SendResult } from './types.js';

/** `dev` without real channels: says what would have been sent, one line per delivery. */
export class PrintChannel implements Channel {
  constructor(private readonly o: { kind: string; uiUrl: string; out: (line: string) => void }) {}

  async send(req: SendRequest): Promise<SendResult> {
    if (req.digest) {
      this.o.out(`would send to ${req.delivery.target}: digest of ${req.digest.length} alerts`);
      return {};
    }
    const f = factsOf(req.alert, req.transition, this.o.uiUrl);
    this.o.out(`would send to ${req.delivery.target} (${this.o.kind}): ${f.title} — ${f.size}, since ${f.since} (for ${f.duration}) ${f.url}`);
    return {};
  }
}
