/**
 * Size of the built web app: every file in dist/web/assets, raw and gzip (level 9, what a
 * server or CDN would send). `make bench-web-bundle` builds the app first and, with --write,
 * rewrites the "Web app bundle" section of docs/benchmarks.md.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeSection } from './quality/section.js';

const DIR = join(import.meta.dirname, '..', 'dist', 'web', 'assets');
const kb = (n: number) => `${(n / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} KiB`;

const rows: { file: string; raw: number; gz: number }[] = [];
for (const f of (await readdir(DIR)).sort()) {
  const body = await readFile(join(DIR, f));
  rows.push({ file: f.replace(/-[A-Za-z0-9_-]{8}\./, '.'), raw: body.length, gz: gzipSync(body, { level: 9 }).length });
}
const initial = rows.filter((r) => r.file.startsWith('index.'));
const sum = (rs: typeof rows, k: 'raw' | 'gz') => rs.reduce((n, r) => n + r[k], 0);
const body = [
  'The app as `make build` writes it to dist/web (Vite, minified). The first page load fetches the `index` files;',
  'the rule editor (form library + JSON Schema validator) is a separate chunk loaded when someone opens a rule.',
  'Reproduce: `make bench-web-bundle`.',
  '',
  '| file | raw | gzip |',
  '|---|---:|---:|',
  ...rows.map((r) => `| ${r.file} | ${kb(r.raw)} | ${kb(r.gz)} |`),
  `| **first load (index.*)** | ${kb(sum(initial, 'raw'))} | **${kb(sum(initial, 'gz'))}** |`,
  `| **everything** | ${kb(sum(rows, 'raw'))} | ${kb(sum(rows, 'gz'))} |`,
].join('\n');
console.log(body);
if (process.argv.includes('--write')) await writeSection(join(import.meta.dirname, '..', 'docs', 'benchmarks.md'), 'Web app bundle', body);
