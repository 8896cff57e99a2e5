import { isHwError, type HwError } from '../src/errors.js';
import type { Command, CommandContext } from './commands/command.js';

export const EXIT_USAGE = 2;

export function overview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'Usage: herdwatch <command> [options]',
    '',
    'HerdWatch spots herd behaviour in e-commerce traffic and flags suspicious transactions.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Run `herdwatch <command> --help` for its options. Options can also be set with HERDWATCH_* variables (docs/configuration.md).',
    '',
  ].join('\n');
}

/** Dispatches argv to a command; returns the exit code (2 for usage errors, 1 for failures). */
export async function runCli(argv: readonly string[], commands: readonly Command[], ctx: CommandContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    ctx.out(overview(commands));
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    ctx.err(`herdwatch: unknown command "${name}"\n`);
    ctx.err(overview(commands));
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, ctx);
  } catch (err) {
    if (isHwError(err)) {
      const hw = err as HwError;
      ctx.err(`herdwatch ${name}: ${hw.message}`);
      if (hw.code === 'HW_ERR_USAGE') {
        ctx.err(`Run \`herdwatch ${name} --help\` for the options.`);
        return EXIT_USAGE;
      }
      return 1;
    }
    ctx.err(`herdwatch ${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}
