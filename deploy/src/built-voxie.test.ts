import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { WorkerStatus } from '@livekit/protocol';
import { parsePrometheusText } from '@voxie/agent-worker';
import {
  createTestPostgresDatabase,
  type LoopbackLiveKitServer,
  startLoopbackLiveKit,
  type TestPostgresDatabase,
} from '@voxie/testkit';
import { AgentDispatchClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appNamed } from './apps.js';
import { BuiltApp } from './built-app.js';
import {
  loadCompose,
  loadK8sObjects,
  REPO_ROOT,
  readEnvFile,
  serviceEnv,
} from './deployment-files.js';
import { composeProbes, dockerfileProbes, k8sProbes } from './probes.js';

const app = appNamed('voxie');
const example = readEnvFile(join(REPO_ROOT, '.env.example'));
const { compose } = loadCompose(example);

/**
 * Voxie from `node dist/main.js` with the environment docker-compose gives it, registered with
 * the loopback LiveKit server: probes answer, job requests are decided, SIGTERM drains and exits 0.
 */
describe('voxie from its built output', () => {
  let db: TestPostgresDatabase;
  let livekit: LoopbackLiveKitServer;
  let voxie: BuiltApp;
  let health: string;

  beforeAll(async () => {
    db = await createTestPostgresDatabase('deploy_voxie');
    livekit = await startLoopbackLiveKit();
    voxie = new BuiltApp(app.dir, {
      ...serviceEnv(compose.services.voxie ?? {}),
      LIVEKIT_URL: livekit.wsUrl,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      DATABASE_URL: db.url,
      HOST: '127.0.0.1',
      PORT: '0',
      OPENAI_API_KEY: 'test-key',
      // See built-spawner.test.ts: a CPU-based load would make this flaky.
      MAX_SESSIONS: '4',
    });
    const started = await voxie.waitForLog((line) => line.event === 'worker.started');
    health = String(started.health);
    await voxie.waitForLog((line) => line.event === 'worker.registered');
    await livekit.waitForWorker('voxie', 60_000);
  }, 120_000);

  afterAll(async () => {
    await voxie?.stop();
    await livekit?.close();
    await db?.drop();
  });

  it('answers every probe and healthcheck the deployment files declare', async () => {
    const probes = [
      ...composeProbes(compose, [app.name]),
      ...dockerfileProbes([app.name]),
      ...k8sProbes(loadK8sObjects(), [app.name]),
    ];
    expect(probes.length).toBeGreaterThanOrEqual(5);
    for (const probe of probes) {
      const response = await fetch(`${health}${probe.path}`);
      expect(response.status, probe.source).toBe(200);
    }
  });

  it('rejects a room that is not its own, and counts it in its metrics', async () => {
    const dispatcher = new AgentDispatchClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
    const created = await dispatcher.createDispatch(`agent-${randomUUID()}-x`, 'voxie');
    expect((await livekit.waitForDispatchOutcome(created.id)).status).toBe('rejected');

    const response = await fetch(`${health}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const samples = parsePrometheusText(await response.text());
    const sample = (name: string, labels: Record<string, string> = {}) =>
      samples.find(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      )?.value;
    expect(
      sample('voxie_worker_jobs_total', {
        worker: 'voxie',
        outcome: 'rejected',
        reason: 'room_not_served',
      }),
    ).toBe(1);
    expect(sample('voxie_worker_jobs_total', { outcome: 'accepted' })).toBeUndefined();
    expect(sample('voxie_worker_active_sessions', { worker: 'voxie' })).toBe(0);
    expect(sample('voxie_worker_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('on SIGTERM reports itself full, stops being ready and exits 0', async () => {
    voxie.signal('SIGTERM');
    await voxie.waitForLog((line) => line.event === 'worker.draining');
    await expect
      .poll(() => livekit.workers.find((w) => w.agentName === 'voxie')?.status ?? 'gone')
      .not.toBe(WorkerStatus.WS_AVAILABLE);
    expect(await voxie.exited).toEqual({ code: 0, signal: null });
    expect(voxie.logs.some((line) => line.event === 'worker.stopped')).toBe(true);
  });
});
