/**
 * Text from events (ids, keys, messages quoting input) reaches terminals. Control characters
 * in it could clear the screen, move the cursor or forge lines (ESC sequences, CR, BEL), so
 * every terminal line goes through here: C0/C1 controls, DEL and line/paragraph separators
 * become visible escapes (\x1b, \r, \u2028). Tabs are kept.
 */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function safeText(text: string): string {
  return text.replace(CONTROL, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
