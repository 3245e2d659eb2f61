#!/usr/bin/env node
// Runs the built CLI when present; in the workspace (no dist/) it runs the TypeScript source
// through tsx with the @voxie/source condition, so `livekit-expert` works without a build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../dist/cli-main.js', import.meta.url));
if (existsSync(built)) {
  await import(built);
} else {
  const source = fileURLToPath(new URL('../src/cli-main.ts', import.meta.url));
  const run = spawnSync(
    process.execPath,
    ['--conditions=@voxie/source', '--import', 'tsx', source, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(run.status ?? 1);
}
