import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPS, appNamed, JOB_PROCESS_SHUTDOWN_MS, parseAppEnv, unreadKeys } from './apps.js';
import {
  documentedNames,
  interpolate,
  loadCompose,
  REPO_ROOT,
  readEnvFile,
  serviceEnv,
} from './deployment-files.js';

const example = readEnvFile(join(REPO_ROOT, '.env.example'));
const documented = documentedNames(join(REPO_ROOT, '.env.example'));
const { compose, used } = loadCompose(example);

const hasDockerCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

describe('docker-compose.yml', () => {
  it('runs LiveKit, Postgres, Redis and one container per app', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['control-api', 'livekit', 'postgres', 'redis', 'spawner', 'voxie'].sort(),
    );
    for (const app of ['control-api', 'spawner', 'voxie']) {
      const service = compose.services[app];
      expect(service?.build?.dockerfile).toBe(`deploy/docker/${app}.Dockerfile`);
      expect(service?.build?.context).toBe('.');
    }
  });

  // Debian's docker-compose parses, validates and interpolates the file without an engine.
  it.skipIf(!hasDockerCompose)('passes `docker-compose config` with .env.example', () => {
    const result = spawnSync('docker-compose', ['--env-file', '.env.example', 'config', '-q'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('refuses to start without the secrets .env must provide', () => {
    expect(() => loadCompose({ ...example, POSTGRES_PASSWORD: '' })).toThrow(/POSTGRES_PASSWORD/);
    expect(() => loadCompose({ ...example, LIVEKIT_API_SECRET: '' })).toThrow(/LIVEKIT_API_SECRET/);
  });

  it('documents in .env.example every variable it interpolates, and uses every one documented', () => {
    expect([...used].filter((name) => !(name in example))).toEqual([]);
    expect(Object.keys(example).filter((name) => !used.has(name))).toEqual([]);
  });

  it.each(APPS.map((app) => app.name))(
    '%s receives only variables its env schema reads and .env.example documents, and every required one',
    (name) => {
      const app = appNamed(name);
      const env = serviceEnv(compose.services[name] ?? {});
      expect(unreadKeys(app, env)).toEqual([]);
      expect(Object.keys(env).filter((key) => !documented.has(key))).toEqual([]);
      const parsed = parseAppEnv(app, env);
      expect(parsed).toMatchObject({ ok: true });
      // Without its variables the app would refuse to start: the list above is what makes it work.
      expect(parseAppEnv(app, { NODE_ENV: 'production' })).toMatchObject({ ok: false });
    },
  );

  it('points every app at the same LiveKit server and keys the server runs with', () => {
    const livekit = serviceEnv(compose.services.livekit ?? {});
    const [key, secret] = (livekit.LIVEKIT_KEYS ?? '').split(': ');
    expect(key).toBe(example.LIVEKIT_API_KEY);
    expect(secret).toBe(example.LIVEKIT_API_SECRET);
    expect(livekit.LIVEKIT_API_KEY).toBe(example.LIVEKIT_API_KEY);
    for (const name of ['control-api', 'spawner', 'voxie']) {
      const env = serviceEnv(compose.services[name] ?? {});
      expect(env.LIVEKIT_URL).toBe('ws://livekit:7880');
      expect(env.LIVEKIT_API_KEY).toBe(key);
      expect(env.LIVEKIT_API_SECRET).toBe(secret);
      expect(env.DATABASE_URL).toBe(
        `postgres://${example.POSTGRES_USER}:${example.POSTGRES_PASSWORD}@postgres:5432/${example.POSTGRES_DB}`,
      );
      expect(env.NODE_ENV).toBe('production');
    }
    expect(compose.services.livekit?.ports).toContain('7880:7880');
  });

  it('lets the workers scale with --scale: no fixed container name, no published port', () => {
    for (const name of ['spawner', 'voxie']) {
      const service = compose.services[name];
      expect(service?.container_name).toBeUndefined();
      expect(service?.ports).toBeUndefined();
    }
  });

  it('gives workers a stop grace period longer than their drain (and job shutdown) timeout', () => {
    for (const name of ['spawner', 'voxie']) {
      const service = compose.services[name];
      const drainMs = Number(serviceEnv(service ?? {}).DRAIN_TIMEOUT_MS);
      const graceSeconds = Number.parseInt(service?.stop_grace_period ?? '0', 10);
      expect(graceSeconds * 1000).toBeGreaterThan(drainMs + JOB_PROCESS_SHUTDOWN_MS);
    }
    const api = compose.services['control-api'];
    const apiGrace = Number.parseInt(api?.stop_grace_period ?? '0', 10);
    expect(apiGrace * 1000).toBeGreaterThan(Number(serviceEnv(api ?? {}).SHUTDOWN_GRACE_MS));
  });

  it('starts the apps after their dependencies are healthy', () => {
    expect(compose.services['control-api']?.depends_on).toMatchObject({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    for (const name of ['spawner', 'voxie']) {
      // The control API migrates the database at boot; workers start once it is healthy.
      expect(compose.services[name]?.depends_on).toMatchObject({
        'control-api': { condition: 'service_healthy' },
      });
    }
  });

  it('interpolates like compose', () => {
    const vars = { A: 'a', EMPTY: '' };
    expect(interpolate(`\${A}-\${B:-b}-\${EMPTY:-e}-\${EMPTY-f}-$$A`, vars)).toBe('a-b-e--$A');
    expect(() => interpolate(`\${EMPTY:?needed}`, vars)).toThrow('EMPTY: needed');
  });
});
