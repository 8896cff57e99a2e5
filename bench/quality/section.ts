import { readFile, writeFile } from 'node:fs/promises';

/**
 * Replaces one `## Heading` section of a markdown file (up to the next `## ` heading),
 * appending it when absent, so each benchmark owns its section and leaves the rest alone.
 */
export function replaceSection(markdown: string, heading: string, body: string): string {
  const lines = markdown.split('\n');
  const title = `## ${heading}`;
  const from = lines.findIndex((l) => l.trim() === title);
  const section = [title, '', body.trimEnd(), ''];
  if (from < 0) return `${markdown.trimEnd()}\n\n${section.join('\n')}`;
  let to = lines.findIndex((l, i) => i > from && /^## /.test(l));
  if (to < 0) to = lines.length;
  const after = lines.slice(to);
  return [...lines.slice(0, from), ...section, ...after].join('\n').replace(/\n*$/, '\n');
}

export async function writeSection(file: string, heading: string, body: string): Promise<void> {
  const current = await readFile(file, 'utf8').catch(() => '# Benchmarks\n');
  await writeFile(file, replaceSection(current, heading, body));
}
