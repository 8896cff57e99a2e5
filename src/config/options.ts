import { parseArgs } from 'node:util';
import { HwError } from '../errors.js';

/**
 * One declaration per option: its flag, its HERDWATCH_* variable, its default, its bounds
 * and its help text. Flags win over the environment, the environment over the default.
 * `--help` and the tables in docs/configuration.md (`make generate`) are made from these.
 */
export interface OptionSpec {
  readonly type: 'string' | 'number' | 'boolean';
  readonly description: string;
  readonly short?: string;
  readonly env?: string;
  readonly default?: string | number | boolean;
  /** Numbers: the smallest and largest accepted value; outside is HW_ERR_CONFIG. */
  readonly min?: number;
  readonly max?: number;
  /** Numbers: whole numbers only (HW_ERR_CONFIG otherwise). */
  readonly integer?: boolean;
  /** Strings: the accepted values (HW_ERR_USAGE otherwise). */
  readonly choices?: readonly string[];
  /** Only from the environment, never a flag: credentials must not show in `ps` or pod specs. */
  readonly envOnly?: boolean;
  /** Never printed (help and docs show no default or value). */
  readonly secret?: boolean;
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

/**
 * A flag's or variable's text as the declared type. A bad flag is HW_ERR_USAGE (exit 2: the
 * command line is wrong); a bad variable or an out-of-range value is HW_ERR_CONFIG (exit 1).
 */
function convert(name: string, spec: OptionSpec, raw: string | boolean, origin: string): string | number | boolean {
  const code = origin.startsWith('--') ? 'HW_ERR_USAGE' : 'HW_ERR_CONFIG';
  if (spec.type === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off|)$/i.test(raw)) return false;
    throw new HwError(code, { field: origin, expected: 'true or false', message: `"${raw}" is not a boolean` });
  }
  if (spec.type === 'number') {
    const n = Number(raw);
    if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n)) {
      throw new HwError(code, { field: origin, expected: 'a number', message: `"${String(raw)}" is not a number for ${name}` });
    }
    return inRange(spec, n, origin);
  }
  const text = String(raw);
  if (spec.choices && !spec.choices.includes(text)) {
    throw new HwError(code, { field: origin, expected: spec.choices.join(', '), message: `"${text}" is not one of the accepted values` });
  }
  return text;
}

function inRange(spec: OptionSpec, n: number, origin: string): number {
  const fail = (expected: string) => new HwError('HW_ERR_CONFIG', { field: origin, expected, message: `${n} is out of range` });
  if (spec.integer && !Number.isInteger(n)) throw fail('a whole number');
  if (spec.min !== undefined && n < spec.min) throw fail(`a number ≥ ${spec.min}`);
  if (spec.max !== undefined && n > spec.max) throw fail(`a number ≤ ${spec.max}`);
  return n;
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
    if (spec.envOnly) continue;
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
    const flag = spec.envOnly ? undefined : parsed.values[name];
    const fromEnv = spec.env ? env[spec.env] : undefined;
    if (flag !== undefined && typeof flag !== 'object') values[name] = convert(name, spec, flag, `--${name}`);
    else if (fromEnv !== undefined && fromEnv !== '') values[name] = convert(name, spec, fromEnv, spec.env!);
    else values[name] = spec.default;
  }
  return { values: values as ResolvedOptions<S>, positionals: parsed.positionals, help: parsed.values.help === true };
}

/** The options taken from the environment alone (no argv): settings read inside libraries and tests. */
export function resolveEnv<S extends OptionSpecs>(specs: S, env: Readonly<Record<string, string | undefined>> = process.env): ResolvedOptions<S> {
  return parseCommand(specs, [], env).values;
}

/** What a user may write: `"a", "b"` for choices, `>= 1` for bounds. */
export function describeBounds(s: OptionSpec): string {
  if (s.choices) return s.choices.join(', ');
  const parts = [s.integer ? 'whole' : '', s.min !== undefined ? `≥ ${s.min}` : '', s.max !== undefined ? `≤ ${s.max}` : ''].filter(Boolean);
  return parts.join(', ');
}

/** Help text: usage line, summary, then one line per option with its variable and default. */
export function formatHelp(usage: string, summary: string, specs: OptionSpecs): string {
  const all = Object.entries({ ...specs, help: HELP });
  const rows = all.filter(([, s]) => !s.envOnly).map(([name, s]) => {
    const flag = `${s.short ? `-${s.short}, ` : '    '}--${name}${s.type === 'boolean' ? '' : ` <${s.type}>`}`;
    const bounds = describeBounds(s);
    const extra = [bounds ? `${s.choices ? 'one of' : ''} ${bounds}`.trim() : '', s.env ? `env ${s.env}` : '',
      s.default !== undefined && !s.secret ? `default ${JSON.stringify(s.default)}` : ''].filter(Boolean).join('; ');
    return { flag, text: extra ? `${s.description} (${extra})` : s.description };
  });
  const width = Math.max(...rows.map((r) => r.flag.length)) + 2;
  const fromEnv = all.filter(([, s]) => s.envOnly && s.env);
  const envWidth = Math.max(0, ...fromEnv.map(([, s]) => s.env!.length)) + 2;
  const envOnly = fromEnv.map(([, s]) => `  ${s.env!.padEnd(envWidth)}${s.description}${s.default !== undefined && !s.secret ? ` (default ${JSON.stringify(s.default)})` : ''}`);
  return [`Usage: ${usage}`, '', summary, '', 'Options:', ...rows.map((r) => `  ${r.flag.padEnd(width)}${r.text}`),
    ...(envOnly.length ? ['', 'From the environment only:', ...envOnly] : []), ''].join('\n');
}
