import { defineCommand, type Command } from './command.js';

/** A command another part of the project will implement; says so and exits 1. */
export function placeholder(name: string, summary: string): Command {
  return defineCommand({
    name,
    summary: `${summary} (not implemented yet)`,
    options: {},
    positionals: true,
    async run(_values, _positionals, ctx) {
      ctx.err(`herdwatch ${name}: not implemented yet in this build`);
      return 1;
    },
  });
}
