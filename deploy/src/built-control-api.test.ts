import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import {
  createSignedWebhook,
  createTestPostgresDatabase,
  type TestPostgresDatabase,
} from '@voxie/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appNamed } from './apps.js';
import { BuiltApp } from './built-app.js';
import {
  type EnvMap,
  loadCompose,
  loadK8sObjects,
  REPO_ROOT,
  readEnvFile,
  serviceEnv,
} from './deployment-files.js';
import { composeProbes, dockerfileProbes, k8sProbes } from './probes.js';
import { queryRows } from './test-query.js';

const app = appNamed('control-api');
const example = readEnvFile(join(REPO_ROOT, '.env.example'));
const { compose } = loadCompose(example);

/** Reads from a raw socket until `pattern` shows up in what arrived. */
async function readUntil(socket: Socket, received: { text: string }, pattern: RegExp) {
  while (!pattern.test(received.text)) {
    if (socket.destroyed) throw new Error(`connection closed; received: ${received.text}`);
    await Promise.race([once(socket, 'data'), once(socket, 'close')]);
  }
}

/**
 * The control API from `node dist/main.js` with the environment docker-compose gives it (hosts
 * pointed at this machine's Postgres and Redis): probes answer, and SIGTERM lets a request that
 * is in flight finish before the process exits 0.
 */
describe('control API from its built output', () => {
  let db: TestPostgresDatabase;
  let api: BuiltApp;
  let url: string;
  const env: EnvMap = {
    ...serviceEnv(compose.services['control-api'] ?? {}),
    HOST: '127.0.0.1',
    PORT: '0',
    LIVEKIT_URL: 'ws://127.0.0.1:1',
    REDIS_URL: 'redis://127.0.0.1:6379',
    LOG_LEVEL: 'info',
  };

  beforeAll(async () => {
    db = await createTestPostgresDatabase('deploy_api');
    api = new BuiltApp(app.dir, { ...env, DATABASE_URL: db.url });
    const listening = await api.waitForLog((line) => line.msg === 'control API listening');
    url = String(listening.url);
  });

  afterAll(async () => {
    await api?.stop();
    await db?.drop();
  });

  it('answers every probe and healthcheck the deployment files declare', async () => {
    const probes = [
      ...composeProbes(compose, [app.name]),
      ...dockerfileProbes([app.name]),
      ...k8sProbes(loadK8sObjects(), [app.name]),
    ];
    expect(probes.map((probe) => probe.source)).toEqual(
      expect.arrayContaining([
        'compose control-api healthcheck',
        'Dockerfile control-api HEALTHCHECK',
        'k8s control-api.yaml readinessProbe',
      ]),
    );
    for (const probe of probes) {
      const response = await fetch(`${url}${probe.path}`);
      expect(response.status, probe.source).toBe(200);
    }
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await metrics.text()).toContain('voxie_http_requests_total');
  });

  it('on SIGTERM stops accepting, finishes the request in flight, then exits 0', async () => {
    const webhook = createSignedWebhook(
      { event: 'room_started', room: { name: 'agent-shutdown-test', sid: 'RM_shutdown' } },
      { apiKey: env.LIVEKIT_API_KEY ?? '', apiSecret: env.LIVEKIT_API_SECRET ?? '' },
    );
    const { port } = new URL(url);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    const received = { text: '' };
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      received.text += chunk;
    });
    // Headers first; "100 Continue" proves the server has taken the request in.
    socket.write(
      [
        'POST /v1/webhooks/livekit HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        ...Object.entries(webhook.headers).map(([name, value]) => `${name}: ${value}`),
        `Content-Length: ${Buffer.byteLength(webhook.body)}`,
        'Expect: 100-continue',
        'Connection: close',
        '',
        '',
      ].join('\r\n'),
    );
    await readUntil(socket, received, /^HTTP\/1\.1 100 Continue/);

    const stoppedAt = Date.now();
    api.signal('SIGTERM');
    await api.waitForLog((line) => line.msg === 'shutting down');
    // No new connections once the server closed its listener.
    await expect
      .poll(
        () =>
          fetch(`${url}/healthz`).then(
            () => 'accepting',
            () => 'refused',
          ),
        { timeout: 5_000 },
      )
      .toBe('refused');
    expect(api.process.exitCode).toBeNull();

    // The body arrives late; the request still completes and is stored. (write, not end: a
    // half-closed socket is an aborted request to Node's HTTP server.)
    socket.write(webhook.body);
    await readUntil(socket, received, /\r\n\r\n\{"status":"stored"\}/);
    expect(received.text).toMatch(/HTTP\/1\.1 200 OK/);

    const exit = await api.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - stoppedAt).toBeLessThan(Number(env.SHUTDOWN_GRACE_MS));

    expect(
      await queryRows(db.url, 'select event from webhook_events where id = $1', [webhook.event.id]),
    ).toEqual([{ event: 'room_started' }]);
  });
});
