import { describe, expect, it } from 'vitest';
import { printingSink } from '../detector/printer.js';
import type { CompiledRule, Transition } from '../engine/types.js';
import { safeLines, safeText } from './safe-text.js';

describe('terminal output', () => {
  it('escapes control characters so input cannot clear the screen or forge a line', () => {
    expect(safeText('U1\u001b[2J\u001b[H\rresolved  x\nfake')).toBe('U1\\x1b[2J\\x1b[H\\rresolved  x\\nfake');
    expect(safeText('a\u2028b\u202ec\u0007')).toBe('a\\u2028b\\u202ec\\x07');
    expect(safeLines('line one\nline two\u001b[2J')).toBe('line one\nline two\\x1b[2J');
  });

  it('prints a transition whose key holds escapes as one inert line', async () => {
    const lines: string[] = [];
    const rule = { namespace: 'default', name: 'purchase-velocity', key: 'userId' } as CompiledRule;
    const t = {
      id: 'u:x:0', rule: 'default/purchase-velocity', ruleUid: 'u', key: 'evil\u001b[2J\u001b[H\nRESOLVED everything is fine', state: 'firing', severity: 'warning',
      onset: 0, at: 0, value: 5, baseline: 0, lift: 0, score: 0, reason: '5 events',
    } as unknown as Transition;
    await printingSink((l) => lines.push(l), [rule]).sendAlerts([t]);
    await printingSink((l) => lines.push(l), [rule], { json: true }).sendAlerts([t]);
    for (const l of lines) {
      expect(l).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/);
      expect(l.split('\n')).toHaveLength(1);
    }
    expect(lines[0]).toContain('evil\\x1b[2J');
  });
});
