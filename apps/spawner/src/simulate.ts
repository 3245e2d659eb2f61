import { runSimulateCli } from './simulate-cli.js';

/** `pnpm simulate --agent <id> --scenario <name> --runs 20 --concurrency 10` */
const code = await runSimulateCli({
  argv: process.argv.slice(2),
  env: process.env,
  io: { output: process.stdout, error: process.stderr },
});
process.exit(code);
