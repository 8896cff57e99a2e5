#!/usr/bin/env node
// The version check runs before anything else is loaded: on an older Node the dependencies
// fail while loading (a TypeError deep in undici), which tells a user nothing. So this file
// imports nothing statically, and loads the CLI only once the version is right.
const NEEDED_MAJOR = 24;
const major = Number(process.versions.node.split('.')[0]);
if (!(major >= NEEDED_MAJOR)) {
  process.stderr.write(`herdwatch: HW_ERR_CONFIG: HerdWatch needs Node.js ${NEEDED_MAJOR} or newer; this is Node.js ${process.versions.node} (${process.execPath}). Install Node ${NEEDED_MAJOR} (https://nodejs.org) or run \`make setup\`, which fetches it into the checkout.\n`);
  process.exit(1);
}
await import('./main.js');
