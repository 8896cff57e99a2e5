/**
 * A small RFC 4180 reader: quoted fields (with "" escapes and embedded newlines), CRLF or
 * LF line ends, a leading BOM. Each record keeps the line it starts on for error messages.
 */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

export function readCsvRecords(text: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let blank = true;
  const endRecord = () => {
    fields.push(field);
    if (!(blank && fields.length === 1 && field === '')) records.push({ line: start, fields });
    fields = [];
    field = '';
    blank = true;
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      blank = false;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      blank = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else {
      field += c;
      blank = false;
    }
  }
  if (quoted) throw new CsvSyntaxError(start, `line ${start}: a quoted field is never closed (expected a closing ")`);
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}
