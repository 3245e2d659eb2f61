import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, readDockerfile } from './deployment-files.js';
import { dockerfileProbes } from './probes.js';

const APPS = ['control-api', 'spawner', 'voxie'];

describe.each(APPS)('deploy/docker/%s.Dockerfile', (app) => {
  const file = readDockerfile(join(REPO_ROOT, `deploy/docker/${app}.Dockerfile`));
  const last = file.stages.length - 1;
  const runtime = file.instructions.filter((entry) => entry.stage === last);
  const build = file.instructions.filter((entry) => entry.stage < last);
  const args = (keyword: string, entries = runtime) =>
    entries.filter((entry) => entry.keyword === keyword).map((entry) => entry.args);

  it('is multi-stage: the runtime stage copies only the deployed app from the build stage', () => {
    expect(file.stages.length).toBeGreaterThanOrEqual(2);
    expect(args('COPY')).toEqual(['--from=build --chown=node:node /out /app']);
    expect(args('RUN')).toEqual([]);
  });

  it('builds this app and deploys only its production dependencies', () => {
    const runs = args('RUN', build).join('\n');
    expect(runs).toContain(`turbo run build --filter=@voxie/${app}`);
    expect(runs).toMatch(new RegExp(`pnpm --filter=@voxie/${app} deploy --prod .* /out`));
    expect(runs).toContain('install --frozen-lockfile');
  });

  it('skips the onnxruntime-node GPU download and runs as a non-root user', () => {
    expect(args('ENV', build).join(' ')).toContain('ONNXRUNTIME_NODE_INSTALL=skip');
    expect(args('USER')).toEqual(['node']);
  });

  it('starts the built output with node and lets SIGTERM reach it', () => {
    expect(args('CMD')).toEqual(['["node", "dist/main.js"]']);
    expect(args('STOPSIGNAL')).toEqual(['SIGTERM']);
    expect(args('ENTRYPOINT')).toEqual([]);
  });

  it('health-checks the port it exposes', () => {
    const [probe] = dockerfileProbes([app]);
    expect(probe?.path).toBe('/healthz');
    expect(probe?.port).toBe(probe?.listenPort);
    expect(args('EXPOSE')).toEqual([String(probe?.listenPort)]);
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, build output and local secrets out of the build context', () => {
    const lines = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const pattern of ['**/node_modules', '**/dist', '.git', '.env', '**/.env']) {
      expect(lines).toContain(pattern);
    }
  });
});
