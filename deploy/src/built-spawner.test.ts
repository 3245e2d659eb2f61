import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkerStatus } from '@livekit/protocol';
import { type PrometheusSample, parsePrometheusText } from '@voxie/agent-worker';
import { AgentRepository, createDatabase, type Database, migrateDatabase } from '@voxie/db';
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
import { queryRows } from './test-query.js';

const app = appNamed('spawner');
const example = readEnvFile(join(REPO_ROOT, '.env.example'));
const { compose } = loadCompose(example);
const owner = randomUUID();
const register = pathToFileURL(join(import.meta.dirname, 'fixtures/text-job-register.mjs')).href;

function value(samples: PrometheusSample[], name: string, labels: Record<string, string> = {}) {
  const found = samples.filter(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([k, v]) => sample.labels[k] === v),
  );
  return found.length === 1 ? found[0]?.value : undefined;
}

/**
 * The spawner from `node dist/main.js` with the environment docker-compose gives it (LiveKit and
 * Postgres pointed at the loopback server and this machine's database), registered with the
 * loopback's /agent endpoint. Its jobs run the text-session stand-in (fixtures/): the loopback has
 * no media path, everything else is the built worker.
 */
describe('spawner from its built output', () => {
  let db: TestPostgresDatabase;
  let database: Database;
  let livekit: LoopbackLiveKitServer;
  let spawner: BuiltApp;
  let health: string;
  let dispatcher: AgentDispatchClient;
  let agentId: string;
  let collector: Server;
  /** Metric names an OTLP/HTTP collector received from the worker. */
  const exported = new Set<string>();

  const scrape = async () => parsePrometheusText(await (await fetch(`${health}/metrics`)).text());
  const dispatch = async (room: string) => {
    const created = await dispatcher.createDispatch(room, 'spawner');
    return livekit.waitForDispatchOutcome(created.id);
  };
  const sessionRow = (room: string) =>
    queryRows(
      db.url,
      'select status, end_reason, transcript_length from sessions where room_name = $1',
      [room],
    );

  beforeAll(async () => {
    db = await createTestPostgresDatabase('deploy_spawner');
    database = await createDatabase({ url: db.url });
    await migrateDatabase(database);
    const agents = new AgentRepository(database.db);
    const agent = await agents.create({
      ownerId: owner,
      name: 'Front desk',
      draft: {
        schemaVersion: 1,
        name: 'Front desk',
        instructions: 'Help callers.',
        greeting: { mode: 'wait' },
        llm: { provider: 'openai', model: 'gpt-4.1-mini' },
        stt: { provider: 'deepgram', model: 'nova-3' },
        tts: { provider: 'cartesia', voice: 'v' },
      },
    });
    await agents.publish(owner, agent.id);
    agentId = agent.id;

    // Assignments on: the job processes run (the stand-in never joins the room).
    // A stand-in OpenTelemetry collector: the worker pushes its metrics there when configured.
    collector = createServer(async (request, response) => {
      let body = '';
      for await (const chunk of request) body += chunk;
      const payload = JSON.parse(body) as {
        resourceMetrics: { scopeMetrics: { metrics: { name: string }[] }[] }[];
      };
      for (const resource of payload.resourceMetrics) {
        for (const scope of resource.scopeMetrics) {
          for (const metric of scope.metrics) exported.add(metric.name);
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const collectorPort = (collector.address() as AddressInfo).port;
    livekit = await startLoopbackLiveKit({ sendAssignments: true });
    dispatcher = new AgentDispatchClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
    const env = {
      ...serviceEnv(compose.services.spawner ?? {}),
      LIVEKIT_URL: livekit.wsUrl,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      DATABASE_URL: db.url,
      HOST: '127.0.0.1',
      PORT: '0',
      // The agent's providers need keys here to be accepted; the stand-in never calls them.
      OPENAI_API_KEY: 'test-key',
      DEEPGRAM_API_KEY: 'test-key',
      CARTESIA_API_KEY: 'test-key',
      DRAIN_TIMEOUT_MS: '30000',
      // Load from running sessions, not CPU: at 100% CPU (a busy test machine) the worker would
      // report load 1 and LiveKit would offer it nothing.
      MAX_SESSIONS: '4',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`,
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
    };
    spawner = new BuiltApp(app.dir, env, { nodeOptions: `--import=${register}` });
    const started = await spawner.waitForLog((line) => line.event === 'worker.started');
    health = String(started.health);
    await spawner.waitForLog((line) => line.event === 'worker.registered');
    await livekit.waitForWorker('spawner', 60_000);
  }, 120_000);

  afterAll(async () => {
    await spawner?.stop();
    await livekit?.close();
    await new Promise<void>((resolve) =>
      collector ? collector.close(() => resolve()) : resolve(),
    );
    await database?.close();
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

  it('serves metrics with the right values after a rejected and a completed job', async () => {
    expect((await dispatch(`agent-${randomUUID()}-x`)).status).toBe('rejected');
    const room = `agent-${agentId}-short`;
    expect((await dispatch(room)).status).toBe('accepted');

    await expect
      .poll(
        async () =>
          value(await scrape(), 'voxie_worker_session_duration_seconds_count', {
            outcome: 'ended',
          }),
        { timeout: 60_000, interval: 250 },
      )
      .toBe(1);
    await expect
      .poll(async () => value(await scrape(), 'voxie_worker_job_peak_rss_bytes_count'), {
        timeout: 10_000,
      })
      .toBe(1);
    const samples = await scrape();
    const jobs = (labels: Record<string, string>) =>
      value(samples, 'voxie_worker_jobs_total', { worker: 'spawner', ...labels });
    expect(jobs({ outcome: 'accepted', reason: 'accepted' })).toBe(1);
    expect(jobs({ outcome: 'rejected', reason: 'agent_unavailable' })).toBe(1);
    expect(value(samples, 'voxie_worker_active_sessions')).toBe(0);
    // Two turns 400 ms apart: a bit under a second of conversation, well under a minute.
    const seconds = value(samples, 'voxie_worker_session_duration_seconds_sum', {
      outcome: 'ended',
    });
    expect(seconds).toBeGreaterThan(0.7);
    expect(seconds).toBeLessThan(60);
    // A job process holds Node, the agents framework and the Silero VAD: tens of MB at least.
    expect(value(samples, 'voxie_worker_job_peak_rss_bytes_sum')).toBeGreaterThan(50 * 2 ** 20);
    expect(samples.some((s) => s.name === 'voxie_worker_errors_total')).toBe(false);
    expect(await sessionRow(room)).toEqual([
      { status: 'ended', end_reason: 'conversation_complete', transcript_length: 5 },
    ]);
    // OTEL_EXPORTER_OTLP_ENDPOINT is set: the same figures reach the collector.
    await expect
      .poll(() => [...exported].sort(), { timeout: 10_000 })
      .toEqual(
        expect.arrayContaining([
          'voxie.worker.jobs',
          'voxie.worker.session.duration',
          'voxie.worker.job.memory',
        ]),
      );
  });

  it('on SIGTERM takes no new jobs, lets the running session finish and flush, then exits 0', async () => {
    const room = `agent-${agentId}-long`;
    expect((await dispatch(room)).status).toBe('accepted');
    // The job process logs through the worker's stdout.
    await spawner.waitForLog((line) => line.event === 'session.started' && line.room === room);
    expect(value(await scrape(), 'voxie_worker_active_sessions')).toBe(1);

    const stoppedAt = Date.now();
    spawner.signal('SIGTERM');
    await spawner.waitForLog((line) => line.event === 'worker.draining');
    await expect.poll(async () => (await fetch(`${health}/readyz`)).status).toBe(503);
    expect(await (await fetch(`${health}/healthz`)).json()).toMatchObject({ status: 'draining' });
    await expect
      .poll(() => livekit.workers.find((w) => w.agentName === 'spawner')?.status)
      .toBe(WorkerStatus.WS_FULL);
    // A job offered now does not land on the draining worker.
    expect((await dispatch(`agent-${agentId}-late`)).status).not.toBe('accepted');
    // The session is still running at this point (5 turns of 400 ms).
    expect(spawner.process.exitCode).toBeNull();

    const exit = await spawner.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    // It left as soon as the session was done, well inside the drain timeout.
    expect(Date.now() - stoppedAt).toBeLessThan(20_000);
    expect(spawner.logs.some((line) => line.event === 'worker.stopped')).toBe(true);
    expect(await sessionRow(room)).toEqual([
      { status: 'ended', end_reason: 'conversation_complete', transcript_length: 11 },
    ]);
    expect(await sessionRow(`agent-${agentId}-late`)).toEqual([]);
  });
});
