import { fileURLToPath } from 'node:url';
import { WorkerStatus } from '@livekit/protocol';
import { createLogger } from '@voxie/config';
import { type LoopbackLiveKitServer, startLoopbackLiveKit } from '@voxie/testkit';
import { AgentDispatchClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PREWARM_MS } from './fixtures/hold-job-agent.js';
import { type HostedAgentServer, hostAgentServer } from './host-agent-server.js';
import { parsePrometheusText } from './prometheus-text.js';
import { agentWorkerEnv } from './worker-env.js';

const AGENT_NAME = 'host-test';
const agentFile = fileURLToPath(new URL('./fixtures/hold-job-agent.ts', import.meta.url));

/**
 * A real AgentServer hosted by `hostAgentServer`, registered with the loopback LiveKit server's
 * /agent websocket; its accepted jobs run in real job processes (the fixture holds each job for
 * the milliseconds in its metadata).
 */
describe('hostAgentServer', () => {
  let livekit: LoopbackLiveKitServer;
  let hosted: HostedAgentServer;
  let dispatcher: AgentDispatchClient;
  /** When onClosed ran. */
  const closed: number[] = [];

  const worker = () => livekit.workers.find((w) => w.agentName === AGENT_NAME);
  const health = async () =>
    (await (await fetch(`${hosted.healthUrl}/healthz`)).json()) as Record<string, unknown>;
  const dispatch = async (room: string, holdMs: number) => {
    const created = await dispatcher.createDispatch(room, AGENT_NAME, {
      metadata: String(holdMs),
    });
    return livekit.waitForDispatchOutcome(created.id);
  };

  beforeAll(async () => {
    // Job processes are forked Node processes: they load the TypeScript fixture through tsx.
    process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import=tsx --conditions=@voxie/source`;
    livekit = await startLoopbackLiveKit({ sendAssignments: true });
    dispatcher = new AgentDispatchClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
    const env = {
      ...z.object(agentWorkerEnv).parse({
        HOST: '127.0.0.1',
        NUM_IDLE_PROCESSES: '0',
        DRAIN_TIMEOUT_MS: '20000',
        MAX_SESSIONS: '1',
        // A job process loads the framework through tsx: slow on a machine busy with other tests.
        JOB_INITIALIZE_TIMEOUT_MS: '60000',
      }),
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PORT: 0,
      LIVEKIT_URL: livekit.wsUrl,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
    };
    hosted = await hostAgentServer({
      agentName: AGENT_NAME,
      agentFile,
      env,
      logger: createLogger({ name: 'host-test', level: 'silent' }),
      serviceName: 'host-test',
      requestFunc: (metrics) => async (request) => {
        metrics.jobDecided('accepted', 'accepted');
        await request.accept('Host test', `host-test-${request.id}`);
      },
      status: () => ({ extra: 'from the app' }),
      onClosed: async () => {
        closed.push(Date.now());
      },
    });
    await hosted.registered;
    await livekit.waitForWorker(AGENT_NAME, 60_000);
  }, 90_000);

  afterAll(async () => {
    await hosted?.stop();
    await livekit?.close();
  });

  it('serves health, readiness and metrics with the app’s status fields', async () => {
    const healthz = await fetch(`${hosted.healthUrl}/healthz`);
    expect(healthz.status).toBe(200);
    expect(await healthz.json()).toMatchObject({
      status: 'ok',
      workerId: worker()?.id,
      activeJobs: 0,
      extra: 'from the app',
    });
    expect((await fetch(`${hosted.healthUrl}/readyz`)).status).toBe(200);
    const metrics = parsePrometheusText(await (await fetch(`${hosted.healthUrl}/metrics`)).text());
    expect(metrics.find((s) => s.name === 'voxie_worker_active_jobs')?.labels.worker).toBe(
      AGENT_NAME,
    );
    const missing = await fetch(`${hosted.healthUrl}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not found' });
  });

  it('with MAX_SESSIONS reports itself full while it runs that many sessions, then takes jobs again', async () => {
    expect((await dispatch('capacity-first', 8_000)).status).toBe('accepted');
    // Its process is still starting (PREWARM_MS): the framework does not list the job yet, the
    // worker counts it already.
    await expect
      .poll(async () => (await health()).activeJobs, { timeout: PREWARM_MS - 1_000 })
      .toBe(1);
    expect(hosted.server.activeJobs).toHaveLength(0);
    // One running session of one: load 1 and full, whatever the CPU does.
    await expect
      .poll(() => ({ load: worker()?.load, status: worker()?.status }), { timeout: 15_000 })
      .toEqual({ load: 1, status: WorkerStatus.WS_FULL });
    const refused = await dispatch('capacity-second', 0);
    expect(refused.status).toBe('no_worker');
    expect(refused.reason).toBe('no workers with sufficient capacity');

    // The held job ends: the worker is empty and available again.
    await expect
      .poll(() => ({ load: worker()?.load, status: worker()?.status }), { timeout: 30_000 })
      .toEqual({ load: 0, status: WorkerStatus.WS_AVAILABLE });
    expect((await dispatch('capacity-third', 0)).status).toBe('accepted');
    const samples = parsePrometheusText(await (await fetch(`${hosted.healthUrl}/metrics`)).text());
    const accepted = samples.find(
      (s) => s.name === 'voxie_worker_jobs_total' && s.labels.outcome === 'accepted',
    );
    expect(accepted?.value).toBe(2);
  }, 60_000);

  it('stop() drains: not ready at once, waits for the running session, then closes the app’s resources once', async () => {
    const holdMs = 3_000;
    const dispatchedAt = Date.now();
    expect((await dispatch('drain-running', holdMs)).status).toBe('accepted');
    await expect.poll(async () => (await health()).activeJobs, { timeout: 30_000 }).toBe(1);
    const stopped = hosted.stop();
    expect(hosted.stop()).toBe(stopped);
    await expect.poll(async () => (await fetch(`${hosted.healthUrl}/readyz`)).status).toBe(503);
    expect(await health()).toMatchObject({ status: 'draining' });
    await stopped;
    // The held job started after the dispatch: closing came only after it ended.
    expect(closed).toHaveLength(1);
    expect((closed[0] as number) - dispatchedAt).toBeGreaterThanOrEqual(holdMs);
    await expect(fetch(`${hosted.healthUrl}/healthz`)).rejects.toThrow();
  }, 60_000);
});
