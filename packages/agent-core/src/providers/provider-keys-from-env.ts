import type { ProviderKeys } from './provider-registry.js';

/** The provider variables an app's environment may hold (see the shared env pieces in @voxie/config). */
export interface ProviderEnv {
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  DEEPGRAM_API_KEY?: string;
  CARTESIA_API_KEY?: string;
  ELEVENLABS_API_KEY?: string;
  LIVEKIT_URL?: string;
  LIVEKIT_API_KEY?: string;
  LIVEKIT_API_SECRET?: string;
}

/**
 * The provider keys a deployment has, from an app's parsed environment. LiveKit Inference exists
 * on LiveKit Cloud only, so a self-hosted server's keys do not count for the `livekit` provider.
 */
export function providerKeysFromEnv(env: ProviderEnv): ProviderKeys {
  const cloud =
    env.LIVEKIT_URL !== undefined &&
    URL.canParse(env.LIVEKIT_URL) &&
    new URL(env.LIVEKIT_URL).hostname.endsWith('.livekit.cloud');
  return {
    openaiApiKey: env.OPENAI_API_KEY,
    openaiBaseURL: env.OPENAI_BASE_URL,
    deepgramApiKey: env.DEEPGRAM_API_KEY,
    cartesiaApiKey: env.CARTESIA_API_KEY,
    elevenlabsApiKey: env.ELEVENLABS_API_KEY,
    ...(cloud
      ? { livekitApiKey: env.LIVEKIT_API_KEY, livekitApiSecret: env.LIVEKIT_API_SECRET }
      : {}),
  };
}
