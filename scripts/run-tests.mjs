// `pnpm test`: every package's tests through turbo, then one closing line for the whole repo:
// "tests: N passed, N failed, N skipped". Exits non-zero if anything failed or no test ran.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const reports = ['apps', 'packages'].flatMap((group) =>
  readdirSync(join(root, group), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({
      name: `${group}/${entry.name}`,
      dir: join(root, group, entry.name, '.test-results'),
    })),
);
// Deployment files and their tests (a package of its own at the root).
reports.push({ name: 'deploy', dir: join(root, 'deploy', '.test-results') });
for (const { dir } of reports) rmSync(dir, { recursive: true, force: true });

const run = spawnSync(
  'pnpm',
  ['exec', 'turbo', 'run', 'test', '--continue', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const { name, dir } of reports) {
  const file = join(dir, 'vitest.json');
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const counts = {
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: report.numPendingTests + report.numTodoTests,
  };
  passed += counts.passed;
  failed += counts.failed;
  skipped += counts.skipped;
  rows.push(
    `  ${name.padEnd(28)} ${String(counts.passed).padStart(5)} passed ${String(counts.failed).padStart(4)} failed`,
  );
}

console.log(`\nTest results by package:\n${rows.join('\n')}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (run.status !== 0) process.exit(run.status ?? 1);
if (failed > 0 || passed === 0) {
  console.error(passed === 0 ? 'no test ran' : 'some tests failed');
  process.exit(1);
}
