import { describe, expect, it } from 'vitest';
import { providerKeysFromEnv } from './provider-keys-from-env.js';

describe('providerKeysFromEnv', () => {
  it('maps provider variables and counts LiveKit keys only on LiveKit Cloud', () => {
    const base = {
      OPENAI_API_KEY: 'sk',
      DEEPGRAM_API_KEY: 'dg',
      LIVEKIT_API_KEY: 'k',
      LIVEKIT_API_SECRET: 's',
    };
    expect(providerKeysFromEnv({ ...base, LIVEKIT_URL: 'wss://x.livekit.cloud' })).toMatchObject({
      openaiApiKey: 'sk',
      deepgramApiKey: 'dg',
      livekitApiKey: 'k',
      livekitApiSecret: 's',
    });
    expect(
      providerKeysFromEnv({ ...base, LIVEKIT_URL: 'ws://localhost:7880' }).livekitApiKey,
    ).toBeUndefined();
  });
});
