import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { WorkerStatus } from '@livekit/protocol';
import { type AgentDefinitionInput, notifyAgentChanged } from '@voxie/agent-core';
import { createLogger } from '@voxie/config';
import { AgentRepository, type Database } from '@voxie/db';
import { openTestDatabase } from '@voxie/db/testing';
import { type LoopbackLiveKitServer, startLoopbackLiveKit } from '@voxie/testkit';
import { AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ATTRIBUTES } from './job-decision.js';
import { createRuntime, type SpawnerRuntime } from './runtime.js';
import { SPAWNER_AGENT_NAME, type Spawner, startSpawner } from './spawner.js';

const owner = randomUUID();
const draft = (name: string): AgentDefinitionInput => ({
  schemaVersion: 1,
  name,
  instructions: 'Help callers.',
  greeting: { mode: 'wait' },
  llm: { provider: 'openai', model: 'gpt-4.1-mini' },
  stt: { provider: 'deepgram', model: 'nova-3' },
  tts: { provider: 'cartesia', voice: 'v' },
});

/**
 * The real spawner worker (AgentServer + our requestFunc) registered with the loopback LiveKit
 * server's /agent websocket; every case is a real CreateDispatch and the availability answer
 * the loopback recorded.
 */
describe('spawner availability answers', () => {
  let db: { database: Database; url: string; cleanup(): Promise<void> };
  let livekit: LoopbackLiveKitServer;
  let runtime: SpawnerRuntime;
  let spawner: Spawner;
  let logs = '';
  let dispatcher: AgentDispatchClient;
  const ids = { published: '', other: '', draftOnly: '', noKey: '' };

  beforeAll(async () => {
    db = await openTestDatabase('spawner_availability');
    const agents = new AgentRepository(db.database.db);
    for (const [key, name] of [
      ['published', 'Front desk'],
      ['other', 'Billing'],
      ['draftOnly', 'Unfinished'],
    ] as const) {
      const agent = await agents.create({ ownerId: owner, name, draft: draft(name) });
      if (key !== 'draftOnly') await agents.publish(owner, agent.id);
      ids[key] = agent.id;
    }
    const noKey = await agents.create({
      ownerId: owner,
      name: 'Eleven',
      draft: { ...draft('Eleven'), tts: { provider: 'elevenlabs', voice: 'rachel' } },
    });
    await agents.publish(owner, noKey.id);
    ids.noKey = noKey.id;
    livekit = await startLoopbackLiveKit();
    dispatcher = new AgentDispatchClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => {
      logs += chunk.toString('utf8');
    });
    runtime = await createRuntime(
      {
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        LIVEKIT_URL: livekit.wsUrl,
        LIVEKIT_API_KEY: livekit.apiKey,
        LIVEKIT_API_SECRET: livekit.apiSecret,
        DATABASE_URL: db.url,
        OPENAI_API_KEY: 'k',
        DEEPGRAM_API_KEY: 'k',
        CARTESIA_API_KEY: 'k',
        PORT: '0',
        // Load from sessions, not CPU: a busy test machine must not turn jobs away.
        MAX_SESSIONS: '10',
        HOST: '127.0.0.1',
        // Long enough that only the NOTIFY can make a newly published agent visible in the test.
        AGENT_CACHE_TTL_MS: '600000',
        AGENT_CACHE_MISS_TTL_MS: '600000',
        DRAIN_TIMEOUT_MS: '5000',
      },
      { logger: createLogger({ name: 'spawner', level: 'info', destination: stream }) },
    );
    spawner = await startSpawner(runtime, { frameworkLogLevel: 'warn' });
    await livekit.waitForWorker(SPAWNER_AGENT_NAME, 60_000);
    await spawner.registered;
  }, 90_000);

  afterAll(async () => {
    await spawner?.stop();
    await runtime?.close();
    await livekit?.close();
    await db?.cleanup();
  });

  async function dispatch(room: string, metadata?: string) {
    const created = await dispatcher.createDispatch(room, SPAWNER_AGENT_NAME, { metadata });
    return livekit.waitForDispatchOutcome(created.id);
  }

  it('accepts agent-<published id>-x with a descriptive name and attributes', async () => {
    const outcome = await dispatch(`agent-${ids.published}-x`);
    expect(outcome.status).toBe('accepted');
    expect(outcome.accepted?.participantName).toBe('Front desk (v1)');
    expect(outcome.accepted?.participantIdentity).toBe(`agent-${outcome.jobId}`);
    expect(outcome.accepted?.participantAttributes).toMatchObject({
      [AGENT_ATTRIBUTES.agentId]: ids.published,
      [AGENT_ATTRIBUTES.version]: '1',
      [AGENT_ATTRIBUTES.role]: 'agent',
    });
    expect(logs).toContain('"event":"job.accepted"');
  });

  it.each([
    [
      'an unknown agent id',
      () => `agent-${randomUUID()}-x`,
      /does not exist, is archived or has no published version/,
    ],
    ['a draft-only agent', () => `agent-${ids.draftOnly}-x`, /has no published version/],
    ['a Voxie creation room', () => 'voxie-creation-x', /belongs to Voxie/],
    ['a malformed agent room name', () => 'agent-123-x', /expected agent-\{uuid\}-\{suffix\}/],
    ['a room matching no pattern', () => 'lobby-42', /matches no Voxie pattern/],
    [
      'an agent whose provider has no key here',
      () => `agent-${ids.noKey}-x`,
      /cannot run here: tts\.provider: provider \\"elevenlabs\\" needs ELEVENLABS_API_KEY/,
    ],
  ])('rejects %s', async (_label, room, reason) => {
    const name = room();
    const outcome = await dispatch(name);
    expect(outcome.status).toBe('rejected');
    expect(outcome.answers.map((answer) => answer.available)).toEqual([false]);
    const line = logs
      .split('\n')
      .find(
        (l) => l.includes('"event":"job.rejected"') && l.includes(`"jobId":"${outcome.jobId}"`),
      );
    expect(line).toMatch(reason);
  });

  it('accepts the published agent the dispatch metadata names, and rejects invalid metadata', async () => {
    const outcome = await dispatch(
      `agent-${ids.published}-x`,
      JSON.stringify({ agentId: ids.other }),
    );
    expect(outcome.status).toBe('accepted');
    expect(outcome.accepted?.participantAttributes[AGENT_ATTRIBUTES.agentId]).toBe(ids.other);
    expect(outcome.accepted?.participantName).toBe('Billing (v1)');

    const invalid = await dispatch(`agent-${ids.published}-x`, '{"agentId": oops');
    expect(invalid.status).toBe('rejected');
    const line = logs
      .split('\n')
      .find(
        (l) => l.includes('"event":"job.rejected"') && l.includes(`"jobId":"${invalid.jobId}"`),
      );
    expect(line).toContain('dispatch metadata is not valid JSON');
  });

  it('takes the agent id from room metadata when the dispatch has none', async () => {
    const room = `agent-${randomUUID()}-meta`;
    await new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret).createRoom({
      name: room,
      metadata: JSON.stringify({ agent_id: ids.other }),
    });
    const outcome = await dispatch(room);
    expect(outcome.status).toBe('accepted');
    expect(outcome.accepted?.participantAttributes[AGENT_ATTRIBUTES.agentId]).toBe(ids.other);
  });

  it('sees a publish at once through LISTEN/NOTIFY despite its cache', async () => {
    const room = `agent-${ids.draftOnly}-later`;
    expect((await dispatch(room)).status).toBe('rejected'); // cached as "no published version"
    await new AgentRepository(db.database.db).publish(owner, ids.draftOnly);
    await notifyAgentChanged(db.database, ids.draftOnly);
    await expect
      .poll(
        async () =>
          (await dispatch(`agent-${ids.draftOnly}-again${randomUUID().slice(0, 4)}`)).status,
        {
          timeout: 5_000,
        },
      )
      .toBe('accepted');
  });

  it('serves health and drains on stop: no new jobs, then it leaves', async () => {
    const health = await fetch(`${spawner.healthUrl}/healthz`);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      workerId: expect.stringMatching(/^AW_/),
    });
    expect((await fetch(`${spawner.healthUrl}/readyz`)).status).toBe(200);

    await spawner.stop();
    await expect
      .poll(() => livekit.workers.find((w) => w.agentName === SPAWNER_AGENT_NAME)?.status ?? 'gone')
      .not.toBe(WorkerStatus.WS_AVAILABLE);
    expect(logs).toContain('"event":"worker.draining"');
    expect(logs).toContain('"event":"worker.stopped"');
    await expect(fetch(`${spawner.healthUrl}/healthz`)).rejects.toThrow();
  });
});
