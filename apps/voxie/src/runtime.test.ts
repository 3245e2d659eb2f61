import { describe, expect, it } from 'vitest';
import { createVoxieRuntime } from './runtime.js';

describe('createVoxieRuntime', () => {
  it("fails at boot when Voxie's own models have no key, naming each", async () => {
    await expect(
      createVoxieRuntime({
        NODE_ENV: 'production',
        LIVEKIT_URL: 'wss://lk.example.com',
        LIVEKIT_API_KEY: 'key',
        LIVEKIT_API_SECRET: 'secret',
        OPENAI_API_KEY: 'k',
        VOXIE_STT_PROVIDER: 'deepgram',
        VOXIE_TTS_PROVIDER: 'cartesia',
        VOXIE_TTS_VOICE: 'some-voice',
      }),
    ).rejects.toThrow(
      /Voxie's own models cannot run here:\n {2}- VOXIE_STT_\*: .*DEEPGRAM_API_KEY.*\n {2}- VOXIE_TTS_\*: .*CARTESIA_API_KEY/,
    );
  });
});
