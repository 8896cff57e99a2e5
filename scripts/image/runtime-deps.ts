/**
 * Fails when code the CLI loads imports a package that `npm ci --omit=dev` (the image) does not
 * install: walks the relative imports from cmd/herdwatch.ts and checks every package it reaches
 * is in package.json's dependencies. Run by scripts/image/context-check.sh (make image-check).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
const prod = new Set(Object.keys(pkg.dependencies ?? {}));
const seen = new Set<string>();
const missing = new Map<string, string>();
const queue = [join(root, 'cmd', 'herdwatch.ts')];
while (queue.length > 0) {
  const file = queue.pop()!;
  if (seen.has(file)) continue;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  // Static and dynamic imports, not `import type` (erased at compile time).
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)) {
    const spec = m[1] ?? m[2]!;
    if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
    else if (!spec.startsWith('node:')) {
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      if (!prod.has(name)) missing.set(name, file.slice(root.length + 1));
    }
  }
}
if (missing.size > 0) {
  for (const [name, file] of missing) console.error(`runtime-deps: ${file} imports ${name}, which is not in package.json "dependencies" (the image omits dev dependencies)`);
  process.exit(1);
}
console.error(`runtime-deps: the ${seen.size} modules the CLI loads import only production dependencies`);
