import { describe, expect, it } from 'vitest';
import { ACTOR_CAP } from '../../src/engine/actors';
import { formatPeople, PEOPLE_CAP } from './format';

describe('distinct people', () => {
  it('reads "16+" at the engine\'s cap, where it stops counting exactly', () => {
    expect(PEOPLE_CAP).toBe(ACTOR_CAP);
    expect(formatPeople(3)).toBe('3');
    expect(formatPeople(ACTOR_CAP)).toBe(`${ACTOR_CAP}+`);
  });
});
