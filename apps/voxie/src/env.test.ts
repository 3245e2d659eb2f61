import { describe, expect, it } from 'vitest';
import { creationDefaultsFrom, loadVoxieEnv, voiceCatalogFrom, voxieModelsFrom } from './env.js';
import { DEFAULT_VOICE_CATALOG } from './voice-catalog.js';

const base = {
  NODE_ENV: 'production',
  LIVEKIT_URL: 'wss://lk.example.com',
  LIVEKIT_API_KEY: 'key',
  LIVEKIT_API_SECRET: 'a-secret-value',
};

describe('loadVoxieEnv', () => {
  it('fills defaults for Voxie and for new agents: OpenAI alone is enough', () => {
    const openaiOnly = loadVoxieEnv({ ...base, OPENAI_API_KEY: 'k' });
    expect(voxieModelsFrom(openaiOnly).stt).toEqual({
      provider: 'openai',
      model: 'gpt-4o-transcribe',
    });
    expect(creationDefaultsFrom(openaiOnly).stt).toEqual({
      provider: 'openai',
      model: 'gpt-4o-transcribe',
    });
    const env = loadVoxieEnv({ ...base, DEEPGRAM_API_KEY: 'k' });
    expect(env.PORT).toBe(8082);
    expect(voxieModelsFrom(env)).toEqual({
      llm: { provider: 'openai', model: 'gpt-4.1' },
      stt: { provider: 'deepgram', model: 'nova-3' },
      tts: { provider: 'openai', voice: 'nova' },
    });
    expect(creationDefaultsFrom(env)).toEqual({
      llm: { provider: 'openai', model: 'gpt-4.1-mini' },
      stt: { provider: 'deepgram', model: 'nova-3' },
    });
    expect(voiceCatalogFrom(env)).toBe(DEFAULT_VOICE_CATALOG);
  });

  it('reads a voice catalog from JSON', () => {
    const catalog = [
      {
        id: 'ava',
        label: 'Ava',
        description: 'warm',
        languages: ['fr'],
        tts: { provider: 'cartesia', voice: 'abc' },
      },
    ];
    const env = loadVoxieEnv({ ...base, VOXIE_VOICE_CATALOG: JSON.stringify(catalog) });
    expect(voiceCatalogFrom(env)).toEqual(catalog);
  });

  it('lists every problem at once without echoing values', () => {
    expect(() =>
      loadVoxieEnv({
        NODE_ENV: 'production',
        LIVEKIT_API_SECRET: 'a-secret-value',
        VOXIE_VOICE_CATALOG: '[{"id": "Bad Id"}]',
        AGENT_DEFAULT_STT_PROVIDER: 'whisperer',
      }),
    ).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(
          /LIVEKIT_URL[\s\S]*LIVEKIT_API_KEY[\s\S]*AGENT_DEFAULT_STT_PROVIDER[\s\S]*VOXIE_VOICE_CATALOG/,
        ),
      }),
    );
    try {
      loadVoxieEnv({ NODE_ENV: 'production', LIVEKIT_API_SECRET: 'a-secret-value' });
    } catch (error) {
      expect(String(error)).not.toContain('a-secret-value');
    }
  });
});
