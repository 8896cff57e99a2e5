import { parseArgs } from 'node:util';
import { HwError } from '../errors.js';

/**
 * One declaration per command-line option: its flag, its HERDWATCH_* variable, its default
 * and its help text. Flags win over the environment, the environment over the default.
 */
export interface OptionSpec {
  readonly type: 'string' | 'number' | 'boolean';
  readonly description: string;
  readonly short?: string;
  readonly env?: string;
  readonly default?: string | number | boolean;
}
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<O> = O extends { type: 'number' } ? number : O extends { type: 'boolean' } ? boolean : string;
export type ResolvedOptions<S extends OptionSpecs> = {
  -readonly [K in keyof S]: S[K] extends { default: unknown } ? ValueOf<S[K]> : ValueOf<S[K]> | undefined;
};

export interface ParsedCommand<S extends OptionSpecs> {
  readonly values: ResolvedOptions<S>;
  readonly positionals: string[];
  readonly help: boolean;
}

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'Show this help' };

function convert(name: string, spec: OptionSpec, raw: string | boolean, origin: string): string | number | boolean {
  if (spec.type === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off|)$/i.test(raw)) return false;
    throw new HwError('HW_ERR_USAGE', { field: origin, expected: 'true or false', message: `"${raw}" is not a boolean` });
  }
  if (spec.type === 'number') {
    const n = Number(raw);
    if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n)) {
      throw new HwError('HW_ERR_USAGE', { field: origin, expected: 'a number', message: `"${String(raw)}" is not a number for ${name}` });
    }
    return n;
  }
  return String(raw);
}

/** Parses argv for one command. Unknown flags and bad values throw HW_ERR_USAGE. */
export function parseCommand<S extends OptionSpecs>(
  specs: S,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  opts: { allowPositionals?: boolean } = {},
): ParsedCommand<S> {
  const all: Record<string, OptionSpec> = { ...specs, help: HELP };
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries(all)) {
    config[name] = { type: spec.type === 'boolean' ? 'boolean' : 'string', ...(spec.short ? { short: spec.short } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: opts.allowPositionals ?? false });
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    throw new HwError('HW_ERR_USAGE', { message, expected: 'the options listed by --help' });
  }
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const flag = parsed.values[name];
    const fromEnv = spec.env ? env[spec.env] : undefined;
    if (flag !== undefined && typeof flag !== 'object') values[name] = convert(name, spec, flag, `--${name}`);
    else if (fromEnv !== undefined && fromEnv !== '') values[name] = convert(name, spec, fromEnv, spec.env!);
    else values[name] = spec.default;
  }
  return { values: values as ResolvedOptions<S>, positionals: parsed.positionals, help: parsed.values.help === true };
}

/** Help text: usage line, summary, then one line per option with its variable and default. */
export function formatHelp(usage: string, summary: string, specs: OptionSpecs): string {
  const rows = Object.entries({ ...specs, help: HELP }).map(([name, s]) => {
    const flag = `${s.short ? `-${s.short}, ` : '    '}--${name}${s.type === 'boolean' ? '' : ` <${s.type}>`}`;
    const extra = [s.env ? `env ${s.env}` : '', s.default !== undefined ? `default ${JSON.stringify(s.default)}` : '']
      .filter(Boolean).join('; ');
    return { flag, text: extra ? `${s.description} (${extra})` : s.description };
  });
  const width = Math.max(...rows.map((r) => r.flag.length)) + 2;
  return [`Usage: ${usage}`, '', summary, '', 'Options:', ...rows.map((r) => `  ${r.flag.padEnd(width)}${r.text}`), ''].join('\n');
}
