import { randomUUID } from 'node:crypto';
import { voice } from '@livekit/agents';
import { SessionRepository, TranscriptRepository } from '@voxie/db';
import { ScriptedLLM } from '@voxie/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordCreationSession } from './creation-recording.js';
import { prepareCreator } from './creator-session.js';
import {
  captureLogger,
  openTestDatabase,
  TEST_DEFAULTS,
  TEST_KEYS,
  type TestDatabase,
} from './test-helpers.js';
import { DEFAULT_VOICE_CATALOG } from './voice-catalog.js';

describe('recordCreationSession', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('voxie_recording');
  });
  afterAll(() => db?.cleanup());

  async function converse(ownerId: string, sessionId: string) {
    const log = captureLogger('voxie');
    const creator = await prepareCreator({
      database: db.database,
      ownerId,
      sessionId,
      keys: TEST_KEYS,
      catalog: DEFAULT_VOICE_CATALOG,
      defaults: TEST_DEFAULTS,
      logger: log.logger,
    });
    const session = new voice.AgentSession({
      llm: new ScriptedLLM([
        { text: 'Hello, I am Voxie.' },
        {
          when: { userText: 'call it Ada' },
          toolCalls: [{ name: 'set_basics', args: { name: 'Ada' } }],
        },
        { when: { toolOutput: /Noted/ }, text: 'Ada it is.' },
      ]),
      vad: null,
      turnHandling: { turnDetection: null },
      userAwayTimeout: null,
    });
    const recorder = await recordCreationSession(session, {
      database: db.database,
      ownerId,
      sessionId,
      logger: log.logger,
    });
    await session.start({ agent: creator.agent });
    await creator.greet(session).waitForPlayout();
    await session.run({ userInput: 'call it Ada' }).wait();
    await recorder?.finish({ endReason: 'participant_left', usage: session.usage });
    await session.close();
    return { recorder, log };
  }

  it('writes the conversation, tool calls included, into the owner’s Voxie session row', async () => {
    const ownerId = randomUUID();
    const sessionId = randomUUID();
    const sessions = new SessionRepository(db.database.db);
    await sessions.create({
      id: sessionId,
      ownerId,
      kind: 'voxie',
      roomName: 'voxie-creation-rec1',
    });
    const { recorder } = await converse(ownerId, sessionId);
    expect(recorder).toBeDefined();
    const items = await new TranscriptRepository(db.database.db).list(ownerId, sessionId);
    expect(items.map((item) => [item.type, item.role])).toEqual([
      ['agent_handoff', null],
      ['message', 'assistant'],
      ['message', 'user'],
      ['function_call', null],
      ['function_call_output', null],
      ['message', 'assistant'],
    ]);
    expect(await sessions.get(ownerId, sessionId)).toMatchObject({
      status: 'ended',
      endReason: 'participant_left',
    });
  });

  it('records nothing into a session of another owner', async () => {
    const sessionId = randomUUID();
    const victim = randomUUID();
    await new SessionRepository(db.database.db).create({
      id: sessionId,
      ownerId: victim,
      kind: 'voxie',
      roomName: 'voxie-creation-rec2',
    });
    const { recorder, log } = await converse(randomUUID(), sessionId);
    expect(recorder).toBeUndefined();
    expect(log.text()).toContain('"event":"voxie.not_recorded"');
    expect(await new TranscriptRepository(db.database.db).list(victim, sessionId)).toEqual([]);
  });
});
