#!/usr/bin/env node
import { runCli } from './cli.js';
import { COMMANDS } from './commands/index.js';

// Entry point: parse, wire, run. SIGINT/SIGTERM abort the command's signal so it can
// close servers and flush; a second signal exits at once.
const stop = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
  });
}

const code = await runCli(process.argv.slice(2), COMMANDS, {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  progress: (text) => process.stderr.write(text),
  signal: stop.signal,
});
process.exitCode = code;
// Long-running commands hold timers or sockets only until they return; nothing should keep us alive after.
setTimeout(() => process.exit(code), 2_000).unref();
