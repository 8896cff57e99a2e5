import { HwError } from '../errors.js';

/** Largest single element; a file that is one giant value fails here instead of exhausting memory. */
const MAX_ELEMENT = 4 << 20;

/**
 * Splits a JSON array that arrives in pieces into the text of its elements, so a file of many
 * GB is read in constant memory and never held as one string. It checks the array's own
 * punctuation (a missing comma between two elements is an error with its line, never silently
 * something else); each element is then parsed on its own with JSON.parse.
 */
export class JsonArraySplitter {
  private state: 'start' | 'value-or-end' | 'value' | 'comma-or-end' | 'done' = 'start';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private element = '';
  private elementLine = 1;
  private line = 1;
  private count = 0;

  constructor(private readonly source?: string) {}

  /** Feeds text; returns the completed elements with their index and starting line. */
  push(text: string): { index: number; line: number; text: string }[] {
    const out: { index: number; line: number; text: string }[] = [];
    let from = -1; // start of the element's text within this piece, while inside one
    if (this.depth > 0 || this.element !== '') from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (from >= 0) {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (c === 0x5c) this.escaped = true;
          else if (c === 0x22) this.inString = false;
          else if (c === 0x0a) this.line++;
          continue;
        }
        if (c === 0x22) this.inString = true;
        else if (c === 0x7b || c === 0x5b) this.depth++;
        else if (c === 0x7d || c === 0x5d) {
          if (this.depth === 0) { // a `]` ending the array right after a primitive element
            this.finish(text.slice(from, i), out);
            from = -1;
            this.state = 'done';
            continue;
          }
          this.depth--;
          if (this.depth === 0) {
            this.finish(text.slice(from, i + 1), out);
            from = -1;
            this.state = 'comma-or-end';
          }
        } else if (c === 0x2c && this.depth === 0) { // a primitive element ends at its comma
          this.finish(text.slice(from, i), out);
          from = -1;
          this.state = 'value';
        } else if (c === 0x0a) this.line++;
        continue;
      }
      if (c === 0x20 || c === 0x09 || c === 0x0d) continue;
      if (c === 0x0a) {
        this.line++;
        continue;
      }
      const ch = text[i]!;
      if (this.state === 'start') {
        if (ch !== '[') this.fail(`expected [ to open the array, got ${JSON.stringify(ch)}`);
        this.state = 'value-or-end';
      } else if (this.state === 'comma-or-end') {
        if (ch === ',') this.state = 'value';
        else if (ch === ']') this.state = 'done';
        else this.fail(`expected , or ] after element ${this.count - 1}, got ${JSON.stringify(ch)} (a missing comma?)`);
      } else if (this.state === 'done') {
        this.fail(`unexpected ${JSON.stringify(ch)} after the end of the array`);
      } else if (ch === ']' && this.state === 'value-or-end') {
        this.state = 'done';
      } else if (ch === ']' || ch === ',') {
        this.fail(`expected an element, got ${JSON.stringify(ch)} (a trailing or doubled comma?)`);
      } else {
        from = i;
        this.elementLine = this.line;
        if (ch === '{' || ch === '[') this.depth = 1;
        else if (ch === '"') this.inString = true;
      }
    }
    if (from >= 0) {
      this.element += text.slice(from);
      if (this.element.length > MAX_ELEMENT) this.fail(`element ${this.count} is longer than ${MAX_ELEMENT} characters`);
    }
    return out;
  }

  /** The input ended; throws unless the array was closed. */
  end(): { index: number; line: number; text: string }[] {
    if (this.state !== 'done') this.fail(this.state === 'start' ? 'the input is empty; expected a JSON array' : 'the array is never closed (expected ])');
    return [];
  }

  private finish(tail: string, out: { index: number; line: number; text: string }[]): void {
    out.push({ index: this.count++, line: this.elementLine, text: this.element + tail });
    this.element = '';
  }

  private fail(message: string): never {
    throw new HwError('HW_ERR_EVENT_FORMAT', {
      source: this.source, field: `line ${this.line}`,
      expected: 'a JSON array of events: [ {...}, {...} ] (or NDJSON, one event per line)',
      message: `malformed JSON array at line ${this.line}: ${message}`,
    });
  }
}
