/**
 * Top-k candidates by score, ties by key, kept with a bounded min-heap: O(n log k) over the
 * keys evaluated at one bucket close — never a scan of all keys.
 */
export interface Candidate {
  slot: number;
  score: number;
  value: number;
  baseline: number;
  lift: number;
  firing: boolean;
  /** Distinct people in the window; Infinity when not counted. */
  actors: number;
}

export class TopK {
  private heap: Candidate[] = [];

  /** `before(a, b)` is true when a ranks above b (a total order). */
  constructor(private readonly k: number, private readonly before: (a: Candidate, b: Candidate) => boolean) {}

  reset(): void { this.heap = []; }

  /** False when a candidate with this score cannot enter (saves building it). */
  admits(score: number): boolean {
    return this.heap.length < this.k || (this.k > 0 && score >= this.heap[0]!.score);
  }

  offer(c: Candidate): void {
    const h = this.heap;
    if (h.length < this.k) {
      h.push(c);
      this.up(h.length - 1);
    } else if (this.k > 0 && this.before(c, h[0]!)) {
      h[0] = c;
      this.down(0);
    }
  }

  /** Best first. */
  sorted(): Candidate[] {
    return [...this.heap].sort((a, b) => (this.before(a, b) ? -1 : this.before(b, a) ? 1 : 0));
  }

  // The root is the worst candidate kept: parent ranks below (is not before) its children.
  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(h[p]!, h[i]!)) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let w = i;
      if (l < h.length && this.before(h[w]!, h[l]!)) w = l;
      if (r < h.length && this.before(h[w]!, h[r]!)) w = r;
      if (w === i) return;
      [h[w], h[i]] = [h[i]!, h[w]!];
      i = w;
    }
  }
}
