import { describe, expect, it } from 'vitest';
import { surgeScore } from '../engine/baseline.js';
import { compileRule, validateRuleSpec } from '../rules/index.js';
import { bandOf, countAt, dispersionFrom } from './band.js';

const rule = compileRule({ uid: 'u', namespace: 'shop', name: 'surge' }, validateRuleSpec({
  source: { eventTypes: ['view'] }, key: 'productId',
  detector: { type: 'surge', window: '5m', bucket: '10s', minEvents: 20, minLift: 3, sensitivity: 4 },
}));

describe('the expected band the drill-down draws', () => {
  it('recovers the dispersion the engine scored with', () => {
    for (const phi of [1.3, 2, 7.5]) expect(dispersionFrom(90, 20, surgeScore(90, 20, phi))).toBeCloseTo(phi, 3);
    expect(dispersionFrom(10, 20, 0)).toBe(1);
  });

  it('a count at the band edges scores ±1, and at the threshold it scores the sensitivity', () => {
    expect(surgeScore(countAt(40, 2, 1), 40, 2)).toBeCloseTo(1, 6);
    expect(surgeScore(countAt(40, 2, -1), 40, 2)).toBeCloseTo(-1, 6);
    const b = bandOf(rule, { t: 0, value: 200, baseline: 40, score: surgeScore(200, 40, 2) });
    expect(b.low).toBeLessThan(40);
    expect(b.high).toBeGreaterThan(40);
    // minLift × expected (120) is the binding condition here, above the 4-sigma level.
    expect(b.threshold).toBeCloseTo(Math.max(120, countAt(40, 2, 4)), 2);
  });

  it('a quiet key is held to minEvents', () => {
    const b = bandOf(rule, { t: 0, value: 3, baseline: 1, score: surgeScore(3, 1, 1) });
    expect(b.threshold).toBe(20);
    expect(b.low).toBeLessThan(0.5);
    expect(b.high).toBeGreaterThan(2);
  });
});
