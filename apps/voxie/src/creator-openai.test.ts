import { randomUUID } from 'node:crypto';
import { voice } from '@livekit/agents';
import { ProviderRegistry } from '@voxie/agent-core';
import { type OpenAICompatibleServer, startOpenAICompatibleServer } from '@voxie/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCreator } from './creator-session.js';
import { TOOL_DESCRIPTIONS } from './prompts.js';
import {
  captureLogger,
  openTestDatabase,
  TEST_DEFAULTS,
  type TestDatabase,
  toolOutputs,
} from './test-helpers.js';
import { DEFAULT_VOICE_CATALOG } from './voice-catalog.js';

/**
 * Voxie through the real OpenAI plugin (against the OpenAI-compatible loopback server): the
 * tools' JSON schemas go over the wire as a provider expects, and tool calls come back through
 * the plugin's streaming parser into the creator tools.
 */
describe('Voxie over the OpenAI plugin', () => {
  let db: TestDatabase;
  let server: OpenAICompatibleServer;

  beforeAll(async () => {
    db = await openTestDatabase('voxie_openai');
    server = await startOpenAICompatibleServer({
      apiKey: 'loopback-key',
      replies: [
        { text: 'Hi, I am Voxie. What should your agent do?' },
        { toolCalls: [{ name: 'set_basics', arguments: { name: 'Ada', language: 'de' } }] },
        { text: 'Ada speaks German now.' },
        { toolCalls: [{ name: 'choose_voice', arguments: {} }] },
        { text: 'Which voice would you like?' },
      ],
    });
  });
  afterAll(async () => {
    await server?.close();
    await db?.cleanup();
  });

  it('sends every tool with its JSON schema and runs the calls that come back', async () => {
    const keys = { openaiApiKey: 'loopback-key', openaiBaseURL: server.baseURL };
    const owner = randomUUID();
    const creator = await prepareCreator({
      database: db.database,
      ownerId: owner,
      keys,
      catalog: DEFAULT_VOICE_CATALOG,
      defaults: TEST_DEFAULTS,
      logger: captureLogger('voxie').logger,
    });
    const session = new voice.AgentSession({
      llm: new ProviderRegistry(keys).createLlm({ provider: 'openai', model: 'gpt-4.1' }),
      vad: null,
      turnHandling: { turnDetection: null },
      userAwayTimeout: null,
    });
    try {
      await session.start({ agent: creator.agent });
      await creator.greet(session).waitForPlayout();
      const named = toolOutputs(await session.run({ userInput: 'Call it Ada, in German' }).wait());
      const noVoice = toolOutputs(await session.run({ userInput: 'Pick a voice' }).wait());

      const tools = server.requests[1]?.body.tools ?? [];
      expect(tools.map((tool) => tool.function.name).sort()).toEqual(
        Object.keys(TOOL_DESCRIPTIONS).sort(),
      );
      const setBasics = tools.find((tool) => tool.function.name === 'set_basics');
      expect(setBasics?.function.description).toBe(TOOL_DESCRIPTIONS.set_basics);
      expect(setBasics?.function.parameters).toMatchObject({
        type: 'object',
        properties: { name: { type: 'string' }, language: { type: 'string' } },
      });
      expect(setBasics?.function.parameters).not.toHaveProperty('$schema');

      expect(named).toEqual([
        {
          name: 'set_basics',
          isError: false,
          output: expect.stringMatching(/^Noted the name and language\./),
        },
      ]);
      expect(creator.store.state.definition).toMatchObject({ name: 'Ada', language: 'de' });
      expect(noVoice).toEqual([
        { name: 'choose_voice', isError: true, output: 'That did not work: The voice is missing.' },
      ]);
      // The error reached the model as the tool result it reacts to.
      const last = server.requests[4]?.body.messages.at(-1);
      expect(last).toMatchObject({
        role: 'tool',
        content: 'That did not work: The voice is missing.',
      });
    } finally {
      await session.close();
    }
  });
});
