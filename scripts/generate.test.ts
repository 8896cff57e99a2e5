import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderAll, staleFiles } from './generate.js';

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
    expect((await staleFiles(await mkdtemp(join(tmpdir(), 'hw-gen-')))).sort()).toEqual([...renderAll().keys()].sort());
  });
});
