import { randomUUID } from 'node:crypto';
import { WorkerStatus } from '@livekit/protocol';
import { type LoopbackLiveKitServer, startLoopbackLiveKit } from '@voxie/testkit';
import { AgentDispatchClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VOXIE_AGENT_NAME, VOXIE_ATTRIBUTES } from './job-decision.js';
import { VOXIE_PROMPT_VERSION } from './prompts.js';
import { createVoxieRuntime, type VoxieRuntime } from './runtime.js';
import { captureLogger, openTestDatabase, type TestDatabase } from './test-helpers.js';
import { startVoxie, type VoxieWorker } from './worker.js';

/**
 * The real Voxie worker (AgentServer + our requestFunc) registered with the loopback LiveKit
 * server's /agent websocket: every case is a real CreateDispatch and the availability answer
 * the loopback recorded.
 */
describe('Voxie worker availability', () => {
  let db: TestDatabase;
  let livekit: LoopbackLiveKitServer;
  let runtime: VoxieRuntime;
  let worker: VoxieWorker;
  let dispatcher: AgentDispatchClient;
  const captured = captureLogger('voxie');

  beforeAll(async () => {
    db = await openTestDatabase('voxie_availability');
    livekit = await startLoopbackLiveKit();
    dispatcher = new AgentDispatchClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
    runtime = await createVoxieRuntime(
      {
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        LIVEKIT_URL: livekit.wsUrl,
        LIVEKIT_API_KEY: livekit.apiKey,
        LIVEKIT_API_SECRET: livekit.apiSecret,
        DATABASE_URL: db.url,
        OPENAI_API_KEY: 'k',
        DEEPGRAM_API_KEY: 'k',
        PORT: '0',
        HOST: '127.0.0.1',
        NUM_IDLE_PROCESSES: '0',
        DRAIN_TIMEOUT_MS: '5000',
        // Load from sessions, not CPU: a busy test machine must not turn jobs away.
        MAX_SESSIONS: '10',
      },
      { logger: captured.logger },
    );
    worker = await startVoxie(runtime);
    await livekit.waitForWorker(VOXIE_AGENT_NAME, 60_000);
    await worker.registered;
  }, 90_000);

  afterAll(async () => {
    await worker?.stop();
    await runtime?.close();
    await livekit?.close();
    await db?.cleanup();
  });

  async function dispatch(room: string, metadata?: string) {
    const created = await dispatcher.createDispatch(room, VOXIE_AGENT_NAME, { metadata });
    return livekit.waitForDispatchOutcome(created.id);
  }

  function rejectionLine(jobId: string): string | undefined {
    return captured
      .text()
      .split('\n')
      .find((line) => line.includes('"event":"job.rejected"') && line.includes(jobId));
  }

  it('accepts a voxie-creation room dispatched by the control API', async () => {
    const ownerId = randomUUID();
    const sessionId = randomUUID();
    const outcome = await dispatch(
      'voxie-creation-Ab12Cd34',
      JSON.stringify({ ownerId, sessionId }),
    );
    expect(outcome.status).toBe('accepted');
    expect(outcome.accepted?.participantName).toBe('Voxie');
    expect(outcome.accepted?.participantIdentity).toBe(`voxie-${outcome.jobId}`);
    expect(outcome.accepted?.participantAttributes).toMatchObject({
      [VOXIE_ATTRIBUTES.role]: 'creator',
      [VOXIE_ATTRIBUTES.promptVersion]: VOXIE_PROMPT_VERSION,
    });
    const accepted = captured
      .text()
      .split('\n')
      .find((line) => line.includes('"event":"job.accepted"'));
    expect(accepted).toContain(`"ownerId":"${ownerId}"`);
    expect(accepted).toContain(`"sessionId":"${sessionId}"`);
  });

  it.each([
    [
      'an agent room (the spawner’s)',
      () => `agent-${randomUUID()}-x`,
      undefined,
      /not a Voxie creation room/,
    ],
    ['a simulation room', () => `sim-${randomUUID()}-0`, undefined, /not a Voxie creation room/],
    ['a room matching no pattern', () => 'lobby-42', undefined, /matches no Voxie pattern/],
    [
      'a malformed creation room',
      () => 'voxie-creation-',
      undefined,
      /expected voxie-creation-\{suffix\}/,
    ],
    [
      'a creation room with invalid dispatch metadata',
      () => 'voxie-creation-meta1',
      '{"ownerId": "not-a-uuid"}',
      /dispatch metadata is invalid: ownerId/,
    ],
  ])('rejects %s', async (_label, room, metadata, reason) => {
    const outcome = await dispatch(room(), metadata);
    expect(outcome.status).toBe('rejected');
    expect(outcome.answers.map((answer) => answer.available)).toEqual([false]);
    expect(rejectionLine(outcome.jobId ?? 'no job')).toMatch(reason);
  });

  it('serves health, and drains on stop', async () => {
    const health = await fetch(`${worker.healthUrl}/healthz`);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      workerId: expect.stringMatching(/^AW_/),
    });
    expect((await fetch(`${worker.healthUrl}/readyz`)).status).toBe(200);
    await worker.stop();
    await expect
      .poll(() => livekit.workers.find((w) => w.agentName === VOXIE_AGENT_NAME)?.status ?? 'gone')
      .not.toBe(WorkerStatus.WS_AVAILABLE);
    expect(captured.text()).toContain('"event":"worker.stopped"');
  });
});
