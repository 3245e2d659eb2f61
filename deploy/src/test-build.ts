import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './deployment-files.js';

/**
 * vitest globalSetup: the built-app tests run `node dist/main.js`, so the apps (and the test
 * kit the text-session fixture uses) must be built. turbo's cache makes this a no-op when
 * `pnpm build` already ran (as .ci/run does before `pnpm test`).
 */
export default function buildApps(): void {
  // For quick local reruns after a build: DEPLOY_TESTS_PREBUILT=1 pnpm test.
  if (process.env.DEPLOY_TESTS_PREBUILT === '1') return;
  const filters = ['control-api', 'spawner', 'voxie', 'testkit', 'agent-worker'].map(
    (name) => `--filter=@voxie/${name}`,
  );
  const result = spawnSync(
    'pnpm',
    ['exec', 'turbo', 'run', 'build', ...filters, '--output-logs=errors-only'],
    { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } },
  );
  if (result.status !== 0) {
    throw new Error(`building the apps failed:\n${result.stdout}\n${result.stderr}`);
  }
}
