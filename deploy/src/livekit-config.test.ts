import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@voxie/config';
import { buildApp, loadControlApiEnv } from '@voxie/control-api';
import { createDatabase } from '@voxie/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEPLOY_DIR, loadCompose, REPO_ROOT, readEnvFile, serviceEnv } from './deployment-files.js';

const example = readEnvFile(join(REPO_ROOT, '.env.example'));
const { compose } = loadCompose(example);
const template = readFileSync(join(DEPLOY_DIR, 'livekit/livekit.yaml'), 'utf8');
const entrypoint = readFileSync(join(DEPLOY_DIR, 'livekit/entrypoint.sh'), 'utf8');

/** What entrypoint.sh does: put LIVEKIT_API_KEY into the webhook section. */
function render(apiKey: string): { webhook: { api_key: string; urls: string[] }; port: number } {
  return parse(template.replaceAll(`\${LIVEKIT_API_KEY}`, apiKey));
}

describe('deploy/livekit', () => {
  let app: Awaited<ReturnType<typeof buildApp>>;
  let close: () => Promise<void>;

  beforeAll(async () => {
    // The control API as built from its env schema: the route table is the real one.
    const env = serviceEnv(compose.services['control-api'] ?? {});
    const database = await createDatabase({});
    app = await buildApp({
      // No Redis in this test: rate limits stay in memory.
      env: loadControlApiEnv({ ...env, LOG_LEVEL: 'silent', REDIS_URL: '' }),
      database,
      logger: createLogger({ name: 'control-api', level: 'silent' }),
    });
    await app.ready();
    close = async () => {
      await app.close();
      await database.close();
    };
  });
  afterAll(() => close?.());

  it("sends webhooks to the control API's route, on the port the API listens on", () => {
    const config = render(example.LIVEKIT_API_KEY ?? '');
    expect(config.webhook.urls).toHaveLength(1);
    const url = new URL(config.webhook.urls[0] ?? '');
    const apiEnv = serviceEnv(compose.services['control-api'] ?? {});
    expect(url.hostname).toBe('control-api');
    expect(compose.services).toHaveProperty(url.hostname);
    expect(url.port).toBe(apiEnv.PORT);
    expect(app.hasRoute({ method: 'POST', url: url.pathname })).toBe(true);
    expect(url.pathname).toBe('/v1/webhooks/livekit');
  });

  it('signs webhooks with the key the apps verify them with', () => {
    expect(render('APIabc123').webhook.api_key).toBe('APIabc123');
    const livekit = compose.services.livekit;
    expect(livekit?.entrypoint).toEqual(['/bin/sh', '/etc/livekit/entrypoint.sh']);
    expect(livekit?.volumes).toContain('./deploy/livekit:/etc/livekit:ro');
    expect(serviceEnv(livekit ?? {}).LIVEKIT_API_KEY).toBe(
      serviceEnv(compose.services['control-api'] ?? {}).LIVEKIT_API_KEY,
    );
  });

  it('entrypoint.sh renders the key into the config and execs livekit-server with it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxie-livekit-'));
    const fakeServer = join(dir, 'livekit-server');
    writeFileSync(fakeServer, '#!/bin/sh\necho "args: $*"\ncat "$2"\n', { mode: 0o755 });
    const run = (apiKey: string) =>
      spawnSync('sh', [join(DEPLOY_DIR, 'livekit/entrypoint.sh'), '--bind', '0.0.0.0'], {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          LIVEKIT_API_KEY: apiKey,
          LIVEKIT_KEYS: `${apiKey}: s3cret`,
          LIVEKIT_CONFIG_TEMPLATE: join(DEPLOY_DIR, 'livekit/livekit.yaml'),
          LIVEKIT_CONFIG_RENDERED: join(dir, 'livekit.yaml'),
          LIVEKIT_SERVER_BIN: fakeServer,
        },
      });
    const ok = run('APIxyz_9');
    expect(ok.status).toBe(0);
    const [args, ...config] = ok.stdout.split('\n');
    expect(args).toBe(`args: --config ${join(dir, 'livekit.yaml')} --bind 0.0.0.0`);
    expect((parse(config.join('\n')) as ReturnType<typeof render>).webhook).toEqual(
      render('APIxyz_9').webhook,
    );
    // The compose service uses the defaults: the mounted template and the real binary.
    expect(entrypoint).toContain('/etc/livekit/livekit.yaml');
    expect(entrypoint).toContain('/livekit-server');

    const bad = run('key/with;shell');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('LIVEKIT_API_KEY may only contain');
  });

  it('listens where the apps connect', () => {
    const config = render('k');
    expect(`ws://livekit:${config.port}`).toBe(
      serviceEnv(compose.services.spawner ?? {}).LIVEKIT_URL,
    );
  });
});
