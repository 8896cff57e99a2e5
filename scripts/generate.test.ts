import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderAll, renderFromApp, renderSections, replaceSection, staleFiles } from './generate.js';

describe('scripts/generate.ts', () => {
  it('is deterministic', () => {
    expect([...renderAll()]).toEqual([...renderAll()]);
  });

  it('writes the same CRD into k8s/crds and the chart, and it parses back', () => {
    const files = renderAll();
    const crd = files.get('k8s/crds/herdrules.herdwatch.io.yaml');
    expect(files.get('charts/herdwatch/crds/herdrules.herdwatch.io.yaml')).toBe(crd);
    expect(parse(crd!)).toMatchObject({ kind: 'CustomResourceDefinition', metadata: { name: 'herdrules.herdwatch.io' } });
  });

  it('checked-in generated files are fresh (run `make generate` when this fails)', async () => {
    expect(await staleFiles()).toEqual([]);
  });

  it('notices a stale file', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const expected = [...renderAll().keys(), ...(await renderFromApp()).keys(), ...renderSections().map((s) => `${s.path} (section ${s.name})`)];
    expect((await staleFiles(await mkdtemp(join(tmpdir(), 'hw-gen-')))).sort()).toEqual(expected.sort());
  });

  it('replaces only the text between a section\'s markers, and insists on them', () => {
    const text = 'intro\n<!-- generated:t -->\nold\n<!-- /generated:t -->\nend\n';
    expect(replaceSection(text, 't', 'new\n', 'x.md')).toBe('intro\n<!-- generated:t -->\nnew\n<!-- /generated:t -->\nend\n');
    expect(() => replaceSection('no markers', 't', 'new\n', 'x.md')).toThrow(/x.md lacks the markers/);
  });
});
