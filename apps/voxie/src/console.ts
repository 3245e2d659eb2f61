import { runConsole } from './console-session.js';

/** `pnpm --filter @voxie/voxie console --owner <uuid>`: talk to Voxie in the terminal. */
const code = await runConsole({
  argv: process.argv.slice(2),
  env: process.env,
  io: { input: process.stdin, output: process.stdout, error: process.stderr },
});
process.exit(code);
