import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../src/errors.js';

// Every HW_ERR_* code a user can see is documented, with its HTTP status, in docs/errors.md.
describe('docs/errors.md', () => {
  const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');

  it.each(Object.entries(ERRORS))('documents %s with its status', (code, spec) => {
    const heading = new RegExp(`^### ${code}\\s*$`, 'm');
    expect(doc, `${code} has no "### ${code}" section in docs/errors.md`).toMatch(heading);
    const section = doc.slice(doc.search(heading)).split(/^### /m)[1] ?? '';
    expect(section, `${code}'s section does not state status ${spec.status}`).toContain(`**Status:** ${spec.status}`);
  });

  it('documents no code that does not exist', () => {
    const documented = [...doc.matchAll(/^### (HW_ERR_[A-Z_]+)/gm)].map((m) => m[1]);
    expect(documented.filter((c) => !(c! in ERRORS))).toEqual([]);
  });
});
