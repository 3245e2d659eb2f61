import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { initializeLogger } from '@livekit/agents';
import {
  AgentDefinition,
  createAgentLoader,
  END_CALL_REASON,
  ProviderRegistry,
} from '@voxie/agent-core';
import { createLogger } from '@voxie/config';
import { AgentRepository, type Database, SessionRepository, TranscriptRepository } from '@voxie/db';
import { openTestDatabase } from '@voxie/db/testing';
import { type LoopbackLiveKitServer, ScriptedLLM, startLoopbackLiveKit } from '@voxie/testkit';
import { RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentSession } from './session-runner.js';

describe('startAgentSession', () => {
  let db: { database: Database; url: string; cleanup(): Promise<void> };
  let livekit: LoopbackLiveKitServer;
  const owner = randomUUID();

  beforeAll(async () => {
    initializeLogger({ pretty: false, level: 'silent' });
    db = await openTestDatabase('spawner_session_runner');
    livekit = await startLoopbackLiveKit();
  });
  afterAll(async () => {
    await livekit?.close();
    await db?.cleanup();
  });

  it('logs every step, and end_call closes the session and deletes the room through RoomService', async () => {
    const agents = new AgentRepository(db.database.db);
    const stored = await agents.create({
      ownerId: owner,
      name: 'Closer',
      draft: AgentDefinition.parse({
        schemaVersion: 1,
        name: 'Closer',
        instructions: 'Say goodbye when asked.',
        greeting: { mode: 'say', text: 'Hello!' },
        llm: { provider: 'openai', model: 'gpt-4.1-mini' },
        stt: { provider: 'deepgram', model: 'nova-3' },
        tts: { provider: 'cartesia', voice: 'v' },
        tools: [{ type: 'end_call' }],
      }),
    });
    await agents.publish(owner, stored.id);
    const loaded = await createAgentLoader(db.database, {}, 'text')(stored.id);
    if (!loaded?.definition) throw new Error('not loaded');

    const roomName = `agent-${stored.id}-closer`;
    const rooms = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
    await rooms.createRoom({ name: roomName });
    let logs = '';
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => {
      logs += chunk.toString('utf8');
    });
    const logger = createLogger({ name: 'spawner', level: 'info', destination: stream });

    const running = await startAgentSession({
      agent: { ...loaded, definition: loaded.definition },
      database: db.database,
      registry: new ProviderRegistry({}),
      secrets: () => undefined,
      logger: logger.child({ room: roomName, jobId: 'AJ_test' }),
      mode: 'text',
      roomName,
      llm: new ScriptedLLM([
        { when: { userText: 'bye' }, toolCalls: [{ name: 'end_call' }] },
        { when: { toolOutput: /goodbye/ }, text: 'Goodbye!' },
      ]),
      deleteRoom: () => rooms.deleteRoom(roomName),
    });
    await running.greeting?.waitForPlayout();
    void running.session.run({ userInput: 'bye' });
    expect(await running.ended).toBe(END_CALL_REASON);
    await expect.poll(() => livekit.room(roomName)).toBeUndefined();
    expect(livekit.requestsFor('DeleteRoom')).toHaveLength(1);

    const row = await new SessionRepository(db.database.db).get(owner, running.sessionId);
    expect(row).toMatchObject({ status: 'ended', endReason: END_CALL_REASON, roomName });

    const events = logs
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            event?: string;
            room?: string;
            jobId?: string;
            sessionId?: string;
            agentId?: string;
          },
      )
      .filter((line) => line.event);
    expect(events.map((e) => e.event)).toEqual([
      'agent.loaded',
      'session.started',
      'agent.said',
      'user.said',
      'tool.called',
      'agent.said',
      'session.ended',
    ]);
    for (const event of events) {
      expect(event).toMatchObject({
        room: roomName,
        jobId: 'AJ_test',
        sessionId: running.sessionId,
        agentId: stored.id,
      });
    }
  });

  it('flushes the transcript and closes the row when the job shuts down mid-conversation', async () => {
    const agents = new AgentRepository(db.database.db);
    const stored = await agents.create({
      ownerId: owner,
      name: 'Talker',
      draft: {
        schemaVersion: 1,
        name: 'Talker',
        instructions: 'Chat.',
        greeting: { mode: 'wait' },
        llm: { provider: 'openai', model: 'gpt-4.1-mini' },
        stt: { provider: 'deepgram', model: 'nova-3' },
        tts: { provider: 'cartesia', voice: 'v' },
        postSession: { recordMetrics: true },
      },
    });
    await agents.publish(owner, stored.id);
    const loaded = await createAgentLoader(db.database, {}, 'text')(stored.id);
    if (!loaded?.definition) throw new Error('not loaded');
    const running = await startAgentSession({
      agent: { ...loaded, definition: loaded.definition },
      database: db.database,
      registry: new ProviderRegistry({}),
      secrets: () => undefined,
      logger: createLogger({ name: 'spawner', level: 'silent' }),
      mode: 'text',
      roomName: `agent-${stored.id}-shutdown`,
      llm: new ScriptedLLM([{ text: 'Sure, tell me more.', times: Number.POSITIVE_INFINITY }]),
    });
    await running.session.run({ userInput: 'I have a question' }).wait();
    // The worker drains / the room goes away: the job's shutdown callback stops the session.
    await running.stop('job_shutdown');
    await running.stop('job_shutdown'); // idempotent

    const row = await new SessionRepository(db.database.db).get(owner, running.sessionId);
    expect(row).toMatchObject({ status: 'ended', endReason: 'job_shutdown', transcriptLength: 3 });
    expect((row?.metrics as { llmTtft?: { count: number } } | null)?.llmTtft?.count).toBe(1);
  });

  it('runs a stored workflow agent: handoffs are logged and recorded with from/to', async () => {
    const agents = new AgentRepository(db.database.db);
    const stored = await agents.create({
      ownerId: owner,
      name: 'Routed',
      draft: {
        schemaVersion: 1,
        name: 'Routed',
        instructions: 'Unused: the workflow decides.',
        greeting: { mode: 'wait' },
        llm: { provider: 'openai', model: 'gpt-4.1-mini' },
        stt: { provider: 'deepgram', model: 'nova-3' },
        tts: { provider: 'cartesia', voice: 'v' },
        workflow: {
          entry: 'triage',
          nodes: [
            { id: 'triage', instructions: 'Route the caller.', onEnter: { action: 'wait' } },
            { id: 'sales', instructions: 'Sell things.' },
          ],
          edges: [
            {
              type: 'transfer',
              from: 'triage',
              to: 'sales',
              tool: 'to_sales',
              description: 'Buying questions.',
              context: { policy: 'last_n', n: 1 },
            },
          ],
        },
      },
    });
    await agents.publish(owner, stored.id);
    const loaded = await createAgentLoader(db.database, {}, 'text')(stored.id);
    if (!loaded?.definition) throw new Error(`not loaded: ${loaded?.problems.join('; ')}`);
    let logs = '';
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => {
      logs += chunk.toString('utf8');
    });
    const running = await startAgentSession({
      agent: { ...loaded, definition: loaded.definition },
      database: db.database,
      registry: new ProviderRegistry({}),
      secrets: () => undefined,
      logger: createLogger({ name: 'spawner', level: 'info', destination: stream }),
      mode: 'text',
      roomName: `agent-${stored.id}-routed`,
      llm: new ScriptedLLM([
        { when: { userText: 'I want to buy' }, toolCalls: [{ name: 'to_sales' }] },
        { when: { instructions: 'Sell things.' }, text: 'Sales here!' },
      ]),
    });
    await running.session.run({ userInput: 'I want to buy' }).wait();
    await running.stop('test_done');

    const handoffLog = logs
      .split('\n')
      .filter((line) => line.includes('"event":"handoff"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(handoffLog).toEqual([
      expect.objectContaining({ from: 'triage', to: 'sales', tool: 'to_sales', context: 'last_n' }),
    ]);
    const transcript = await new TranscriptRepository(db.database.db).list(
      owner,
      running.sessionId,
    );
    expect(
      transcript
        .filter((item) => item.type === 'agent_handoff')
        .map((item) => item.content as { from: string | null; to: string }),
    ).toEqual([
      expect.objectContaining({ from: null, to: 'triage' }),
      expect.objectContaining({ from: 'triage', to: 'sales' }),
    ]);
    expect(transcript.at(-1)).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: { text: 'Sales here!' },
    });
  });
});
