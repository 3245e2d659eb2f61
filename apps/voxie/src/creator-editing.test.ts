import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { voice } from '@livekit/agents';
import { AgentDefinition, createAgentLoader } from '@voxie/agent-core';
import { formatAgentRoomName } from '@voxie/config';
import { AgentRepository } from '@voxie/db';
import { type LoopbackLiveKitServer, ScriptedLLM, startLoopbackLiveKit } from '@voxie/testkit';
import { AgentDispatchClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCreator } from './creator-session.js';
import {
  captureLogger,
  openTestDatabase,
  TEST_DEFAULTS,
  TEST_KEYS,
  type TestDatabase,
  toolOutputs,
} from './test-helpers.js';
import { DEFAULT_VOICE_CATALOG } from './voice-catalog.js';

const SPAWNER_DIR = fileURLToPath(new URL('../../spawner/', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

/**
 * Editing end to end: the real spawner (its own process, started from its `dev` entry with an
 * environment like production's) registered with the loopback LiveKit server, and Voxie
 * publishing a new version of an agent it is asked to edit.
 */
describe('editing an agent with Voxie', () => {
  let db: TestDatabase;
  let livekit: LoopbackLiveKitServer;
  let spawner: ChildProcess | undefined;
  let spawnerLogs = '';
  const owner = randomUUID();

  beforeAll(async () => {
    db = await openTestDatabase('voxie_editing');
    livekit = await startLoopbackLiveKit();
    spawner = spawn(TSX, ['--conditions=@voxie/source', 'src/main.ts'], {
      cwd: SPAWNER_DIR,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        LIVEKIT_URL: livekit.wsUrl,
        LIVEKIT_API_KEY: livekit.apiKey,
        LIVEKIT_API_SECRET: livekit.apiSecret,
        DATABASE_URL: db.url,
        OPENAI_API_KEY: 'k',
        DEEPGRAM_API_KEY: 'k',
        PORT: '0',
        // Load from sessions, not CPU: a busy test machine must not turn jobs away.
        MAX_SESSIONS: '10',
        HOST: '127.0.0.1',
        NUM_IDLE_PROCESSES: '0',
        // Only a change notification can explain a fresh answer within the test.
        AGENT_CACHE_TTL_MS: '600000',
        DRAIN_TIMEOUT_MS: '2000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    spawner.stdout?.on('data', (chunk: Buffer) => {
      spawnerLogs += chunk.toString('utf8');
    });
    spawner.stderr?.on('data', (chunk: Buffer) => {
      spawnerLogs += chunk.toString('utf8');
    });
    await livekit.waitForWorker('spawner', 90_000);
  }, 120_000);

  afterAll(async () => {
    if (spawner && spawner.exitCode === null) {
      const exited = new Promise((resolve) => spawner?.once('exit', resolve));
      spawner.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (spawner.exitCode === null) spawner.kill('SIGKILL');
    }
    await livekit?.close();
    await db?.cleanup();
  }, 30_000);

  it('publishes a new version the spawner picks up at once', async () => {
    const agents = new AgentRepository(db.database.db);
    const original = AgentDefinition.parse({
      schemaVersion: 1,
      name: 'Front Desk',
      instructions: 'You are the front desk of a small hotel. Help guests with their stay.',
      greeting: { mode: 'say', text: 'Hello, front desk.' },
      llm: TEST_DEFAULTS.llm,
      stt: TEST_DEFAULTS.stt,
      tts: { provider: 'openai', voice: 'alloy', model: 'gpt-4o-mini-tts' },
    });
    const agent = await agents.create({ ownerId: owner, name: 'Front Desk', draft: original });
    await agents.publish(owner, agent.id);

    const dispatcher = new AgentDispatchClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
    const dispatch = async () => {
      const created = await dispatcher.createDispatch(formatAgentRoomName(agent.id), 'spawner', {});
      return livekit.waitForDispatchOutcome(created.id);
    };
    // The spawner has v1 cached (for ten minutes) after this.
    expect((await dispatch()).accepted?.participantName, spawnerLogs).toBe('Front Desk (v1)');

    const model = new ScriptedLLM([
      { text: 'Your agent Front Desk is open. What should change?' },
      {
        when: { userText: /warmer greeting/ },
        toolCalls: [
          {
            name: 'set_greeting',
            args: { mode: 'say', text: 'Good evening and welcome to the front desk!' },
          },
          { name: 'choose_voice', args: { voice_id: 'shimmer' } },
          { name: 'publish_agent' },
        ],
      },
      { when: { toolOutput: /version 2/ }, text: 'Done: version 2 is live.' },
    ]);
    const creator = await prepareCreator({
      database: db.database,
      ownerId: owner,
      sessionId: randomUUID(),
      editAgentId: agent.id,
      keys: TEST_KEYS,
      catalog: DEFAULT_VOICE_CATALOG,
      defaults: TEST_DEFAULTS,
      logger: captureLogger('voxie').logger,
    });
    expect(creator.opening).toMatchObject({ kind: 'edit', agentName: 'Front Desk' });
    expect(creator.store.agentId).toBe(agent.id);
    const session = new voice.AgentSession({
      llm: model,
      vad: null,
      turnHandling: { turnDetection: null },
      userAwayTimeout: null,
    });
    try {
      await session.start({ agent: creator.agent });
      await creator.greet(session).waitForPlayout();
      expect(model.requests[0]?.instructions).toContain('existing agent "Front Desk"');
      expect(model.requests[0]?.instructions).toContain('It opens with: "Hello, front desk."');
      const outputs = toolOutputs(
        await session.run({ userInput: 'I want a warmer greeting and a softer voice' }).wait(),
      );
      expect(outputs.map((output) => output.isError)).toEqual([false, false, false]);
      expect(outputs[2]?.output).toMatch(/Published Front Desk, version 2/);
    } finally {
      await session.close();
    }

    // The spawner's cache was invalidated by the publish's notification: v2 at once.
    await expect
      .poll(async () => (await dispatch()).accepted?.participantName, { timeout: 10_000 })
      .toBe('Front Desk (v2)');
    const loaded = await createAgentLoader(db.database, TEST_KEYS)(agent.id);
    expect(loaded?.version).toBe(2);
    expect(loaded?.definition).toEqual({
      ...original,
      greeting: { mode: 'say', text: 'Good evening and welcome to the front desk!' },
      tts: { provider: 'openai', voice: 'shimmer', model: 'gpt-4o-mini-tts' },
    });
    // The same agent, not a copy.
    expect((await agents.list(owner, { limit: 10 })).items).toHaveLength(1);
  });
});
