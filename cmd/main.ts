import { runCli } from './cli.js';
import { COMMANDS } from './commands/index.js';
import { safeLines } from '../src/terminal/safe-text.js';

// The CLI proper (cmd/herdwatch.ts checks the Node version first): parse, wire, run. SIGINT/SIGTERM abort the command's signal so it can
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
  // A last guard for the terminal: no escape sequence from input reaches it (lines embedding
  // input are escaped where they are made; our own newlines and progress \r stay).
  out: (line) => process.stdout.write(`${safeLines(line)}\n`),
  err: (line) => process.stderr.write(`${safeLines(line)}\n`),
  progress: (text) => process.stderr.write(text.split('\r').map(safeLines).join('\r')),
  signal: stop.signal,
});
process.exitCode = code;
// Long-running commands hold timers or sockets only until they return; nothing should keep us alive after.
setTimeout(() => process.exit(code), 2_000).unref();
