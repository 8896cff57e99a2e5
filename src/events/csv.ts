import { HwError } from '../errors.js';

/**
 * A small RFC 4180 reader: quoted fields (with "" escapes and embedded newlines), CRLF or
 * LF line ends, a leading BOM. Each record keeps the line it starts on for error messages.
 * It reads incrementally (`push` text as it arrives, then `end`), so files of any size
 * stream through it in constant memory.
 */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/** A syntax error at `line`: HW_ERR_CSV_ROW, naming the file when the reader was given one. */
function syntaxError(source: string | undefined, line: number, message: string): HwError {
  return new HwError('HW_ERR_CSV_ROW', { source: [source, `line ${line}`].filter(Boolean).join(', '), message, expected: 'a closing " for every opening one' });
}

/** Longest single field; a runaway quote in a huge file fails here instead of exhausting memory. */
const MAX_FIELD = 1 << 20;

export class CsvReader {
  /** `source` (a file name) goes into the errors' `source`. */
  constructor(private readonly source?: string) {}

  private fields: string[] = [];
  private field = '';
  private line = 1;
  private start = 1;
  private quoted = false;
  /** A quote just closed or "" pending: decided by the next character. */
  private quoteSeen = false;
  private pendingCr = false;
  private blank = true;
  private first = true;

  /** Feeds the next piece of text; returns the records it completed. */
  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let i = 0;
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (this.pendingCr) {
        this.pendingCr = false;
        if (c === '\n') continue;
      }
      if (this.quoted) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (c === '"') {
            this.field += '"';
            continue;
          }
          this.quoted = false;
          // fall through: c is handled as unquoted text below
        } else if (c === '"') {
          this.quoteSeen = true;
          continue;
        } else {
          if (c === '\n') this.line++;
          this.field += c;
          if (this.field.length > MAX_FIELD) throw syntaxError(this.source, this.start, `a field is longer than ${MAX_FIELD} characters (an unclosed quote?)`);
          continue;
        }
      }
      if (c === '"' && this.field === '') {
        this.quoted = true;
        this.blank = false;
      } else if (c === ',') {
        this.fields.push(this.field);
        this.field = '';
        this.blank = false;
      } else if (c === '\n' || c === '\r') {
        if (c === '\r') this.pendingCr = true;
        this.endRecord(out);
        this.line++;
        this.start = this.line;
      } else {
        this.field += c;
        this.blank = false;
        if (this.field.length > MAX_FIELD) throw syntaxError(this.source, this.start, `a field is longer than ${MAX_FIELD} characters`);
      }
    }
    return out;
  }

  /** The input ended: returns the last record, or throws on an unclosed quote. */
  end(): CsvRecord[] {
    if (this.quoted && this.quoteSeen) this.quoted = false;
    if (this.quoted) throw syntaxError(this.source, this.start, 'a quoted field is never closed');
    const out: CsvRecord[] = [];
    if (this.field !== '' || this.fields.length > 0) this.endRecord(out);
    return out;
  }

  private endRecord(out: CsvRecord[]): void {
    this.fields.push(this.field);
    if (!(this.blank && this.fields.length === 1 && this.field === '')) out.push({ line: this.start, fields: this.fields });
    this.fields = [];
    this.field = '';
    this.blank = true;
  }
}

export function readCsvRecords(text: string): CsvRecord[] {
  const reader = new CsvReader();
  return [...reader.push(text), ...reader.end()];
}
