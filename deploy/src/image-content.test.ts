import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BuiltApp } from './built-app.js';
import { REPO_ROOT, readDockerfile } from './deployment-files.js';

const dockerfile = readDockerfile(join(REPO_ROOT, 'deploy/docker/control-api.Dockerfile'));
/** The Dockerfile's own `pnpm ... deploy ... /out` command, aimed at a temporary directory. */
const deployCommand = (() => {
  const run = dockerfile.instructions.find(
    (entry) => entry.keyword === 'RUN' && / deploy --prod /.test(entry.args),
  );
  const match = /pnpm (--filter=\S+ deploy --prod[^&]*?) \/out\b/.exec(run?.args ?? '');
  if (!match?.[1]) throw new Error('no pnpm deploy step in the Dockerfile');
  return match[1].split(' ');
})();

/**
 * What the control API image holds, produced the way its Dockerfile produces it (`pnpm deploy`
 * from the built workspace), without a container engine: only production dependencies, and it
 * starts from there with nothing but its environment.
 */
describe('control API image content', () => {
  const out = mkdtempSync(join(tmpdir(), 'voxie-image-'));
  let app: BuiltApp | undefined;
  afterAll(async () => {
    await app?.stop();
    rmSync(out, { recursive: true, force: true });
  });

  it('has the built app and its production dependencies only, and starts from them', async () => {
    const target = join(out, 'app');
    const result = spawnSync('pnpm', [...deployCommand, target], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
    });
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(existsSync(join(target, 'dist/main.js'))).toBe(true);
    expect(existsSync(join(target, 'node_modules/@voxie/config/dist/index.js'))).toBe(true);
    expect(existsSync(join(target, 'node_modules/fastify'))).toBe(true);
    for (const devOnly of ['@voxie/testkit', 'fast-check', 'vitest', 'typescript']) {
      expect(existsSync(join(target, 'node_modules', devOnly)), devOnly).toBe(false);
    }

    app = new BuiltApp(target, {
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: '0',
      LIVEKIT_URL: 'ws://127.0.0.1:1',
      VOXIE_DATA_DIR: join(out, 'data'),
    });
    const listening = await app.waitForLog((line) => line.msg === 'control API listening');
    expect((await fetch(`${String(listening.url)}/healthz`)).status).toBe(200);
    app.signal('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });
  });
});
