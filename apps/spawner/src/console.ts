import { runConsole } from './console-session.js';

/** `pnpm console <agent id or name>`: chat with a stored agent in the terminal. */
const code = await runConsole({
  argv: process.argv.slice(2),
  env: process.env,
  io: { input: process.stdin, output: process.stdout, error: process.stderr },
});
process.exit(code);
