import * as openai from '@livekit/agents-plugin-openai';
import { describe, expect, it } from 'vitest';
import { AgentCoreError } from '../errors.js';
import { checkProviders, describeProviderProblems, ProviderRegistry } from './provider-registry.js';

const definition = {
  llm: { provider: 'openai', model: 'gpt-4.1-mini', temperature: 0.3 },
  stt: { provider: 'deepgram', model: 'nova-3' },
  tts: { provider: 'elevenlabs', voice: 'voice-1' },
} as const;

describe('checkProviders', () => {
  it('names every provider this deployment has no key for', () => {
    const problems = checkProviders(definition, {});
    expect(problems.map((p) => [p.path, p.provider])).toEqual([
      ['llm.provider', 'openai'],
      ['stt.provider', 'deepgram'],
      ['tts.provider', 'elevenlabs'],
    ]);
    expect(describeProviderProblems(problems)).toContain('DEEPGRAM_API_KEY');
    expect(
      checkProviders(definition, {
        openaiApiKey: 'k',
        deepgramApiKey: 'k',
        elevenlabsApiKey: 'k',
      }),
    ).toEqual([]);
  });

  it('needs only the LLM for text sessions', () => {
    expect(checkProviders(definition, { openaiApiKey: 'k' }, 'text')).toEqual([]);
  });

  it('accepts an OpenAI-compatible server without an OpenAI key', () => {
    const selfHosted = {
      ...definition,
      llm: { provider: 'openai', model: 'llama3', baseURL: 'http://ollama:11434/v1' },
    } as const;
    expect(checkProviders(selfHosted, {}, 'text')).toEqual([]);
    expect(
      checkProviders(definition, { openaiBaseURL: 'http://vllm.internal/v1' }, 'text'),
    ).toEqual([]);
    expect(
      checkProviders(definition, { openaiBaseURL: 'https://api.openai.com/v1' }, 'text'),
    ).toHaveLength(1);
  });

  it('never counts the deployment key for a server the definition names', () => {
    const foreign = {
      ...definition,
      llm: {
        provider: 'openai',
        model: 'llama-3',
        baseURL: 'https://api.groq.com/openai/v1',
        apiKeySecret: 'groq_key',
      },
    } as const;
    expect(checkProviders(foreign, { openaiApiKey: 'k', hasSecret: () => false }, 'text')).toEqual([
      {
        path: 'llm.apiKeySecret',
        provider: 'openai',
        message:
          'secret "groq_key" (the API key for api.groq.com) is not configured on this deployment',
      },
    ]);
    expect(checkProviders(foreign, { hasSecret: (name) => name === 'groq_key' }, 'text')).toEqual(
      [],
    );
    // A caller that cannot see secrets (the control API) is not told the secret is missing.
    expect(checkProviders(foreign, {}, 'text')).toEqual([]);
    // Naming OpenAI's own endpoint explicitly is the deployment's endpoint.
    const explicit = {
      ...definition,
      llm: { provider: 'openai', model: 'm', baseURL: 'https://api.openai.com/v1' },
    } as const;
    expect(checkProviders(explicit, {}, 'text')[0]?.message).toContain('OPENAI_API_KEY');
    expect(checkProviders(explicit, { openaiApiKey: 'k' }, 'text')).toEqual([]);
  });

  it('needs the LiveKit key and secret for LiveKit Inference', () => {
    const lk = {
      ...definition,
      llm: { provider: 'livekit', model: 'openai/gpt-4.1-mini' },
    } as const;
    expect(checkProviders(lk, { livekitApiKey: 'k' }, 'text')[0]?.message).toContain(
      'LIVEKIT_API_SECRET',
    );
    expect(checkProviders(lk, { livekitApiKey: 'k', livekitApiSecret: 's' }, 'text')).toEqual([]);
  });
});

describe('ProviderRegistry', () => {
  it('builds the OpenAI plugin with the definition model and refuses a missing key', () => {
    const registry = new ProviderRegistry({ openaiApiKey: 'sk-test-key-000000000000' });
    const model = registry.createLlm(definition.llm);
    expect(model).toBeInstanceOf(openai.LLM);
    expect(model.model).toBe('gpt-4.1-mini');
    const empty = new ProviderRegistry({});
    expect(() => empty.createLlm(definition.llm)).toThrow(AgentCoreError);
    expect(() => empty.assertAvailable(definition)).toThrow(/DEEPGRAM_API_KEY/);
  });

  it('loads the Silero VAD once per registry', async () => {
    const registry = new ProviderRegistry({});
    const [a, b] = await Promise.all([registry.loadVad(), registry.loadVad()]);
    expect(a).toBe(b);
    expect(a.label).toBe('silero.VAD');
  });
});
