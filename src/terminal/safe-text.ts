/**
 * Text from events (ids, keys, messages quoting input) reaches terminals. Control characters
 * in it could clear the screen, move the cursor or forge lines (ESC sequences, CR, BEL, a
 * newline followed by a fake "resolved" line), so untrusted text goes through `safeText`:
 * C0/C1 controls, DEL, line/paragraph separators and bidi overrides become visible escapes
 * (\x1b, \r, \u2028). Tabs are kept.
 */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// The same without the newline: for our own multi-line output (help, summaries) as a last guard.
const CONTROL_BUT_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escape(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of untrusted text, made inert for a terminal (a newline becomes \n too). */
export function safeText(text: string): string {
  return text.replace(CONTROL, escape);
}

/** Text bound for a terminal whose newlines are ours: every other control character is escaped. */
export function safeLines(text: string): string {
  return text.replace(CONTROL_BUT_NEWLINE, escape);
}
