import type { DestinationStream } from 'pino';
import { formatHelp, parseCommand, type OptionSpecs, type ResolvedOptions } from '../../src/config/options.js';
import { createLogger, LOG_OPTIONS, parseLogFormat, parseLogLevel, type Logger, type LogLevel } from '../../src/log/logger.js';

/** What a command gets besides its options: where to write, the environment, and a stop signal. */
export interface CommandContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Writes without a newline (progress lines). */
  readonly progress: (text: string) => void;
  /** Aborted on SIGINT/SIGTERM (or by a test); long-running commands return when it fires. */
  readonly signal: AbortSignal;
  /** Where log lines go instead of stderr (tests read them). */
  readonly logStream?: DestinationStream;
}

/** What a command's `run` gets: the context plus the process's one logger, made from --log-level/--log-format. */
export interface RunContext extends CommandContext {
  readonly logger: Logger;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help: () => string;
  /** Every option the command takes, its own and the shared logging ones (docs are generated from these). */
  readonly options: OptionSpecs;
  /** Returns the exit code. Throws HW_ERR_USAGE for bad arguments. */
  run(argv: readonly string[], ctx: CommandContext): Promise<number>;
}

export interface CommandSpec<S extends OptionSpecs> {
  readonly name: string;
  readonly summary: string;
  /** Usage after `herdwatch <name>`, e.g. `<file> --rules <dir>`. */
  readonly usage?: string;
  readonly options: S;
  readonly positionals?: boolean;
  /** Default of --log-level for this command (`dev` keeps the terminal for its alert view). */
  readonly logLevel?: LogLevel;
  run(values: ResolvedOptions<S>, positionals: string[], ctx: RunContext): Promise<number>;
}

/** One command = one file that exports `defineCommand({...})`, listed once in commands/index.ts. */
export function defineCommand<S extends OptionSpecs>(spec: CommandSpec<S>): Command {
  const logOptions = spec.logLevel ? { ...LOG_OPTIONS, 'log-level': { ...LOG_OPTIONS['log-level'], default: spec.logLevel } } : LOG_OPTIONS;
  const options: OptionSpecs = { ...spec.options, ...logOptions };
  const help = () => formatHelp(`herdwatch ${spec.name} ${spec.usage ?? '[options]'}`, spec.summary, options);
  return {
    name: spec.name,
    summary: spec.summary,
    options,
    help,
    async run(argv, ctx) {
      const parsed = parseCommand(options, argv, ctx.env, { allowPositionals: spec.positionals ?? false });
      if (parsed.help) {
        ctx.out(help());
        return 0;
      }
      const values = parsed.values as Record<string, unknown>;
      const logger = createLogger({
        level: parseLogLevel(String(values['log-level'])),
        format: parseLogFormat(String(values['log-format'])),
        base: { command: spec.name },
      }, ctx.logStream);
      return spec.run(parsed.values as ResolvedOptions<S>, parsed.positionals, { ...ctx, logger });
    },
  };
}

/** Resolves when the signal aborts. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
