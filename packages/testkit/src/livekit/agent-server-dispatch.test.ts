import { randomBytes } from 'node:crypto';
import { AgentServer, initializeLogger, type JobRequest, ServerOptions } from '@livekit/agents';
import { AgentDispatchClient, RoomAgentDispatch, RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopbackLiveKitServer, startLoopbackLiveKit } from './loopback-livekit-server.js';

/**
 * A real @livekit/agents worker (AgentServer, the class `cli.runApp` drives) registered with the
 * loopback's /agent endpoint. Its requestFunc declines rooms named `reject-*` and accepts others
 * with a participant identity, name, metadata and attributes.
 */
const AGENT_NAME = `loopback-test-${randomBytes(3).toString('hex')}`;
const seenJobs: { id: string; room: string; metadata: string }[] = [];

let livekit: LoopbackLiveKitServer;
let worker: AgentServer;
let running: Promise<void>;

async function requestFunc(req: JobRequest): Promise<void> {
  seenJobs.push({ id: req.id, room: req.room?.name ?? '', metadata: req.job.metadata });
  if (req.room?.name.startsWith('reject-')) {
    await req.reject();
    return;
  }
  await req.accept('Test Agent', `agent-${req.id}`, '{"role":"agent"}', {
    'voxie.agent_id': 'a-1',
  });
}

beforeAll(async () => {
  initializeLogger({ pretty: false, level: 'error' });
  livekit = await startLoopbackLiveKit();
  worker = new AgentServer(
    new ServerOptions({
      // Never loaded: without assignments no job process starts.
      agent: import.meta.filename,
      agentName: AGENT_NAME,
      wsURL: livekit.wsUrl,
      apiKey: livekit.apiKey,
      apiSecret: livekit.apiSecret,
      host: '127.0.0.1',
      port: 0,
      requestFunc,
      loadFunc: async () => 0.125,
    }),
  );
  running = worker.run();
  await livekit.waitForWorker(AGENT_NAME, 60_000);
}, 90_000);

afterAll(async () => {
  await worker?.close();
  await running;
  await livekit?.close();
});

const uniqueRoom = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

describe('a real @livekit/agents worker against the loopback', () => {
  it('registers and gets its worker id from the register response', async () => {
    const registered = livekit.workers.find((w) => w.agentName === AGENT_NAME);
    expect(registered?.id).toMatch(/^AW_/);
    expect(registered?.version).toBe('1.9.0');
    await expect.poll(() => worker.id).toBe(registered?.id);
  });

  it('reports its load through updateWorker', async () => {
    await expect
      .poll(() => livekit.workers.find((w) => w.agentName === AGENT_NAME)?.load, { timeout: 8_000 })
      .toBe(0.125);
  });

  it('accepts a dispatch with the participant identity, name, metadata and attributes', async () => {
    const room = uniqueRoom('agent');
    const dispatch = await new AgentDispatchClient(
      livekit.httpUrl,
      livekit.apiKey,
      livekit.apiSecret,
    ).createDispatch(room, AGENT_NAME, { metadata: '{"agentId":"a-1"}' });

    const outcome = await livekit.waitForDispatchOutcome(dispatch.id);
    expect(outcome.status).toBe('accepted');
    expect(outcome.accepted).toMatchObject({
      jobId: outcome.jobId,
      room,
      agentName: AGENT_NAME,
      workerId: worker.id,
      available: true,
      participantIdentity: `agent-${outcome.jobId}`,
      participantName: 'Test Agent',
      participantMetadata: '{"role":"agent"}',
      // The framework stamps its agent name attribute on top of ours.
      participantAttributes: { 'voxie.agent_id': 'a-1', 'lk.agent.name': AGENT_NAME },
    });
    expect(seenJobs.find((j) => j.id === outcome.jobId)).toEqual({
      id: outcome.jobId,
      room,
      metadata: '{"agentId":"a-1"}',
    });
  });

  it('records a rejection', async () => {
    const room = uniqueRoom('reject');
    const dispatch = await new AgentDispatchClient(
      livekit.httpUrl,
      livekit.apiKey,
      livekit.apiSecret,
    ).createDispatch(room, AGENT_NAME);
    const outcome = await livekit.waitForDispatchOutcome(dispatch.id);
    expect(outcome.status).toBe('rejected');
    expect(outcome.answers).toHaveLength(1);
    expect(outcome.answers[0]).toMatchObject({ available: false, workerId: worker.id });
  });

  it('is dispatched by a CreateRoom carrying agents, and told to end the job when the room goes', async () => {
    const room = uniqueRoom('voxie-creation');
    const rooms = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
    await rooms.createRoom({
      name: room,
      agents: [new RoomAgentDispatch({ agentName: AGENT_NAME, metadata: '{"ownerId":"o"}' })],
    });
    const outcome = await livekit.waitForDispatchOutcome({ room, agentName: AGENT_NAME });
    expect(outcome.status).toBe('accepted');
    expect(seenJobs.find((j) => j.id === outcome.jobId)?.metadata).toBe('{"ownerId":"o"}');

    await rooms.deleteRoom(room);
    expect(livekit.jobTerminations.map((t) => t.jobId)).toContain(outcome.jobId);
  });

  it('re-registers after the server went down and came back', async () => {
    const before = livekit.workers.find((w) => w.agentName === AGENT_NAME)?.id;
    await livekit.down();
    expect(livekit.workers.some((w) => w.agentName === AGENT_NAME)).toBe(false);
    await livekit.up();
    // The framework retries after 2 s.
    const again = await livekit.waitForWorker(AGENT_NAME, 15_000);
    expect(again.id).not.toBe(before);
    await expect.poll(() => worker.id).toBe(again.id);

    const dispatch = await new AgentDispatchClient(
      livekit.httpUrl,
      livekit.apiKey,
      livekit.apiSecret,
    ).createDispatch(uniqueRoom('agent'), AGENT_NAME);
    expect((await livekit.waitForDispatchOutcome(dispatch.id)).accepted?.workerId).toBe(again.id);
  });
});
