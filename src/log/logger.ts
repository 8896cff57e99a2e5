import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { OptionSpecs } from '../config/options.js';
import { HwError, isHwError } from '../errors.js';

export type { Logger };

/** The logging options every command takes (spread into its OptionSpecs by defineCommand). */
export const LOG_OPTIONS = {
  'log-level': {
    type: 'string', env: 'HERDWATCH_LOG_LEVEL', default: 'info', choices: ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'],
    description: 'Lowest level logged (stderr)',
  },
  'log-format': {
    type: 'string', env: 'HERDWATCH_LOG_FORMAT', default: 'auto', choices: ['auto', 'json', 'pretty'],
    description: 'json: one JSON object per line; pretty: readable lines; auto: pretty on a terminal, else json',
  },
} as const satisfies OptionSpecs;

/** Levels a user may pass to --log-level; `silent` turns logging off. */
export const LOG_LEVELS = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = Level | 'silent';
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** json: one JSON object per line (production); pretty: readable lines; auto: pretty on a terminal. */
  readonly format?: LogFormat;
  /** Bound on every line, e.g. { command: 'detector' }. */
  readonly base?: Record<string, unknown>;
}

/**
 * The one logger of a process, made once in the command and passed down; each part takes
 * `logger.child({ component })`. Logs go to stderr by default, because stdout is the
 * command's output (alerts printed by `dev` and `replay`, NDJSON with --json). Tests pass
 * their own `stream` to read what was logged.
 */
export function createLogger(opts: LoggerOptions = {}, stream?: DestinationStream): Logger {
  const level = opts.level ?? 'info';
  const format = opts.format ?? 'auto';
  const readable = format === 'pretty' || (format === 'auto' && stream === undefined && process.stderr.isTTY === true);
  const destination = readable
    ? pretty({
      destination: stream ?? 2, sync: true, colorize: stream === undefined && process.stderr.isTTY === true,
      ignore: 'pid,hostname,component,command', messageFormat: '{if component}{component}: {end}{msg}', translateTime: 'SYS:HH:MM:ss.l',
    })
    : stream ?? pino.destination({ dest: 2, sync: true });
  return pino({
    level,
    base: opts.base ?? {},
    timestamp: pino.stdTimeFunctions.isoTime,
    // Level names ("warn"), not numbers, in JSON: what log queries and people read.
    ...(readable ? {} : { formatters: { level: (label: string) => ({ level: label }) } }),
  }, destination);
}

/** A logger that drops everything: for tests and callers that want no log lines. */
export const silentLogger: Logger = pino({ level: 'silent' });

let fallback: Logger | undefined;
/**
 * JSON on stderr at info, for library code whose caller injected no logger (benchmarks,
 * tests); commands always inject theirs.
 */
export function fallbackLogger(): Logger {
  fallback ??= createLogger({ format: 'json' });
  return fallback;
}

export function parseLogLevel(value: string, field = '--log-level'): LogLevel {
  const level = LOG_LEVELS.find((l) => l === value);
  if (!level) throw new HwError('HW_ERR_USAGE', { field, expected: LOG_LEVELS.join(', '), message: `log level "${value}" is unknown` });
  return level;
}

export function parseLogFormat(value: string, field = '--log-format'): LogFormat {
  const format = LOG_FORMATS.find((f) => f === value);
  if (!format) throw new HwError('HW_ERR_USAGE', { field, expected: LOG_FORMATS.join(', '), message: `log format "${value}" is unknown` });
  return format;
}

/** The error's code and message as log fields, without the stack for expected (coded) errors. */
export function errFields(err: unknown): Record<string, unknown> {
  if (isHwError(err)) return { code: err.code, err: err.message };
  return typeof err === 'object' && err !== null ? { err } : { err: String(err) };
}
