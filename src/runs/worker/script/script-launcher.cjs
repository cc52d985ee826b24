'use strict';
/**
 * The first program of a script run's sandbox (plain JavaScript: it runs inside the
 * sandbox, unbuilt). It loads Playwright Test's command line before the run is known,
 * so a sandbox can be started ahead and wait; the worker then writes one line to its
 * stdin, `{ "env": {...}, "args": [...] }`, and it runs `playwright test` with them as if
 * started so. Nothing of the user's runs before that line.
 */
const [, , modules] = process.argv;
const { program } = require(`${modules}/playwright/lib/program`);

let received = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  received += chunk;
  const end = received.indexOf('\n');
  if (end < 0) return;
  process.stdin.removeAllListeners('data');
  process.stdin.destroy();
  const { env, args } = JSON.parse(received.slice(0, end));
  Object.assign(process.env, env);
  process.argv = [process.argv[0], `${modules}/@playwright/test/cli.js`, ...args];
  program.parse(process.argv);
});
