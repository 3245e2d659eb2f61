import { initializeLogger, voice } from '@livekit/agents';
import { type OpenAICompatibleServer, startOpenAICompatibleServer } from '@voxie/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentDefinition } from './agent-definition.js';
import { buildAgent } from './agent-factory.js';
import { AgentCoreError } from './errors.js';
import { ProviderRegistry } from './providers/provider-registry.js';
import { startToolServer } from './test-tool-server.js';

const parameters = {
  type: 'object',
  properties: { city: { type: 'string', description: 'City name' } },
  required: ['city'],
};

describe('buildAgent with the OpenAI plugin', () => {
  let llmServer: OpenAICompatibleServer;
  let tools: Awaited<ReturnType<typeof startToolServer>>;

  beforeAll(async () => {
    initializeLogger({ pretty: false, level: 'silent' });
    tools = await startToolServer({ '/weather': () => ({ json: { forecast: 'sunny' } }) });
    llmServer = await startOpenAICompatibleServer({
      apiKey: 'test-key',
      replies: [
        { toolCalls: [{ name: 'weather', arguments: { city: 'Lisbon' } }] },
        { text: 'It is sunny in Lisbon.' },
      ],
    });
  });
  afterAll(async () => {
    await llmServer?.close();
    await tools?.close();
  });

  it('sends the definition model, temperature and tool schemas, streaming', async () => {
    const definition = AgentDefinition.parse({
      schemaVersion: 1,
      name: 'Weather',
      instructions: 'You tell the weather.',
      greeting: { mode: 'wait' },
      llm: {
        provider: 'openai',
        model: 'loopback-gpt',
        temperature: 0.4,
        baseURL: llmServer.baseURL,
        apiKeySecret: 'loopback_key',
      },
      stt: { provider: 'deepgram', model: 'nova-3' },
      tts: { provider: 'cartesia', voice: 'v' },
      tools: [
        {
          type: 'http',
          name: 'weather',
          description: 'Weather for a city.',
          method: 'GET',
          url: `${tools.url}/weather`,
          parameters,
        },
        { type: 'end_call' },
      ],
    });
    const built = buildAgent(definition, {
      // The deployment's own OpenAI key must never go to a server the definition names.
      registry: new ProviderRegistry(
        { openaiApiKey: 'deployment-openai-key' },
        { secrets: (name) => (name === 'loopback_key' ? 'test-key' : undefined) },
      ),
      mode: 'text',
    });
    const session = built.createSession();
    await session.start({ agent: built.agent });
    const result = await session.run({ userInput: 'Weather in Lisbon?' }).wait();
    await session.close();

    const chats = llmServer.requests.filter((r) => r.path.endsWith('/chat/completions'));
    expect(chats).toHaveLength(2);
    const first = chats[0]?.body;
    expect(first).toMatchObject({ model: 'loopback-gpt', temperature: 0.4, stream: true });
    expect(chats[0]?.headers.authorization).toBe('Bearer test-key');
    const sent = Object.fromEntries((first?.tools ?? []).map((t) => [t.function.name, t.function]));
    expect(Object.keys(sent).sort()).toEqual(['end_call', 'weather']);
    expect(sent.weather).toMatchObject({ description: 'Weather for a city.', parameters });
    expect(first?.messages[0]).toMatchObject({ role: 'system', content: 'You tell the weather.' });

    // The tool ran against the loopback service and its answer went back to the model.
    expect(tools.received.map((r) => r.query)).toEqual([{ city: 'Lisbon' }]);
    const toolMessage = chats[1]?.body.messages.find((m) => m.role === 'tool');
    expect(JSON.parse(String(toolMessage?.content))).toEqual({ forecast: 'sunny' });
    const said = result.events
      .filter((event) => event.type === 'message')
      .map((event) => event.item.textContent);
    expect(said).toEqual(['It is sunny in Lisbon.']);
  });

  it('refuses to build a voice agent whose providers have no key', () => {
    const definition = AgentDefinition.parse({
      schemaVersion: 1,
      name: 'Voice',
      instructions: 'x',
      greeting: { mode: 'wait' },
      llm: { provider: 'openai', model: 'gpt-4.1-mini' },
      stt: { provider: 'deepgram', model: 'nova-3' },
      tts: { provider: 'cartesia', voice: 'v' },
      turnHandling: { vad: false, turnDetector: false },
    });
    const registry = new ProviderRegistry({ openaiApiKey: 'k' });
    expect(() => buildAgent(definition, { registry, mode: 'voice' })).toThrow(AgentCoreError);
    expect(() => buildAgent(definition, { registry, mode: 'voice' })).toThrow(/DEEPGRAM_API_KEY/);
    const withKeys = new ProviderRegistry({
      openaiApiKey: 'k',
      deepgramApiKey: 'd',
      cartesiaApiKey: 'c',
    });
    const built = buildAgent(definition, { registry: withKeys, mode: 'voice' });
    expect(built.sessionOptions.stt).toBeDefined();
    expect(built.sessionOptions.tts).toBeDefined();
    expect(built.sessionOptions.turnHandling?.endpointing).toEqual({
      minDelay: 500,
      maxDelay: 6000,
    });
    expect(voice.AgentSession).toBeDefined();
  });
});
