import { describeBounds, type OptionSpec, type OptionSpecs } from './options.js';

/**
 * The option tables of docs/configuration.md, rendered from the same declarations that parse
 * the flags and variables (`make generate`; `make check-generated` fails when they drift).
 */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function defaultOf(s: OptionSpec): string {
  if (s.secret || s.default === undefined || s.default === '') return '';
  return `\`${String(s.default)}\``;
}

/** One row per flag: flag, variable, default, accepted values, meaning. Env-only options are left to `renderEnvOnlyTable`. */
export function renderOptionTable(specs: OptionSpecs): string {
  const lines = ['| flag | variable | default | accepts | meaning |', '|---|---|---|---|---|'];
  for (const [name, s] of Object.entries(specs)) {
    if (s.envOnly) continue;
    const accepts = describeBounds(s) || (s.type === 'boolean' ? 'true, false' : s.type);
    lines.push(`| \`--${name}\` | ${s.env ? `\`${s.env}\`` : ''} | ${defaultOf(s)} | ${cell(accepts)} | ${cell(s.description)} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** The variables that have no flag (credentials and client tuning), once for all commands that read them. */
export function renderEnvOnlyTable(commands: readonly { name: string; options: OptionSpecs }[]): string {
  const rows = new Map<string, { spec: OptionSpec; users: string[] }>();
  for (const c of commands) {
    for (const s of Object.values(c.options)) {
      if (!s.envOnly || !s.env) continue;
      const row = rows.get(s.env) ?? { spec: s, users: [] };
      row.users.push(c.name);
      rows.set(s.env, row);
    }
  }
  const lines = ['| variable | default | accepts | meaning | read by |', '|---|---|---|---|---|'];
  for (const [env, { spec, users }] of rows) {
    const accepts = describeBounds(spec) || (spec.type === 'boolean' ? 'true, false' : spec.type);
    lines.push(`| \`${env}\` | ${defaultOf(spec)} | ${cell(accepts)} | ${cell(spec.description)} | ${users.join(', ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
