import { describe, expect, it } from 'vitest';
import { replaceSection } from './section.js';

describe('replaceSection', () => {
  it('replaces only its own section and keeps the others', () => {
    const md = '# Benchmarks\n\nintro\n\n## Speed\n\nfast\n\n## Detection quality\n\nold\n\n## Memory\n\nsmall\n';
    const out = replaceSection(md, 'Detection quality', 'new figures');
    expect(out).toBe('# Benchmarks\n\nintro\n\n## Speed\n\nfast\n\n## Detection quality\n\nnew figures\n\n## Memory\n\nsmall\n');
  });

  it('appends the section when it is missing', () => {
    expect(replaceSection('# Benchmarks\n\nintro\n', 'Detection quality', 'x')).toBe('# Benchmarks\n\nintro\n\n## Detection quality\n\nx\n');
  });
});
