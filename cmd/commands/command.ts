import { formatHelp, parseCommand, type OptionSpecs, type ResolvedOptions } from '../../src/config/options.js';

/** What a command gets besides its options: where to write, the environment, and a stop signal. */
export interface CommandContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Writes without a newline (progress lines). */
  readonly progress: (text: string) => void;
  /** Aborted on SIGINT/SIGTERM (or by a test); long-running commands return when it fires. */
  readonly signal: AbortSignal;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help: () => string;
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
  run(values: ResolvedOptions<S>, positionals: string[], ctx: CommandContext): Promise<number>;
}

/** One command = one file that exports `defineCommand({...})`, listed once in commands/index.ts. */
export function defineCommand<S extends OptionSpecs>(spec: CommandSpec<S>): Command {
  const help = () => formatHelp(`herdwatch ${spec.name} ${spec.usage ?? '[options]'}`, spec.summary, spec.options);
  return {
    name: spec.name,
    summary: spec.summary,
    help,
    async run(argv, ctx) {
      const parsed = parseCommand(spec.options, argv, ctx.env, { allowPositionals: spec.positionals ?? false });
      if (parsed.help) {
        ctx.out(help());
        return 0;
      }
      return spec.run(parsed.values, parsed.positionals, ctx);
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
