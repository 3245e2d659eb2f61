// `pnpm bench <name> [args...]`: runs bench/<name>/index.ts. Benchmarks are not part of `pnpm test`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const benchDir = join(root, 'bench');
const available = existsSync(benchDir)
  ? readdirSync(benchDir).filter((name) => existsSync(join(benchDir, name, 'index.ts')))
  : [];
const [name, ...args] = process.argv.slice(2);

if (!name || !available.includes(name)) {
  console.error(name ? `no benchmark named "${name}"` : 'usage: pnpm bench <name> [args...]');
  console.error(available.length ? `available: ${available.join(', ')}` : 'no benchmarks yet');
  process.exit(2);
}
const run = spawnSync(
  process.execPath,
  ['--conditions=@voxie/source', '--import', 'tsx', join(benchDir, name, 'index.ts'), ...args],
  { cwd: root, stdio: 'inherit' },
);
process.exit(run.status ?? 1);
