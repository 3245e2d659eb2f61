import { initializeLogger, type llm, type stt, type tts } from '@livekit/agents';
import { ProviderRegistry } from '@voxie/agent-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadVoxieEnv, providerKeysFrom, voxieModelsFrom } from './env.js';
import { voxieSessionOptions } from './voice-session.js';

describe('voxieSessionOptions', () => {
  beforeAll(() => initializeLogger({ pretty: false, level: 'silent' }));
  const env = loadVoxieEnv({
    NODE_ENV: 'production',
    LIVEKIT_URL: 'wss://lk.example.com',
    LIVEKIT_API_KEY: 'key',
    LIVEKIT_API_SECRET: 'secret',
    OPENAI_API_KEY: 'k',
    DEEPGRAM_API_KEY: 'k',
  });

  it('builds the configured providers without connecting, with VAD interruptions', () => {
    const options = voxieSessionOptions(
      new ProviderRegistry(providerKeysFrom(env)),
      voxieModelsFrom(env),
      undefined,
    );
    expect((options.llm as llm.LLM).model).toBe('gpt-4.1');
    expect((options.stt as stt.STT).label).toContain('deepgram');
    expect((options.tts as tts.TTS).label).toContain('openai');
    expect(options.turnHandling).toMatchObject({
      turnDetection: 'stt',
      interruption: { enabled: true, mode: 'vad' },
    });
  });

  it('refuses a deployment without the keys Voxie itself needs', () => {
    expect(() =>
      voxieSessionOptions(
        new ProviderRegistry({ openaiApiKey: 'k' }),
        voxieModelsFrom(env),
        undefined,
      ),
    ).toThrow(/DEEPGRAM_API_KEY/);
  });
});
