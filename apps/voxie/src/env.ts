import { LlmSettings, type ProviderKeys, SttSettings, TtsSettings } from '@voxie/agent-core';
import { agentWorkerEnv } from '@voxie/agent-worker';
import {
  commonEnv,
  databaseEnv,
  type EnvSource,
  livekitEnv,
  loadEnv,
  milliseconds,
  type NodeEnv,
  portEnv,
  providerEnv,
} from '@voxie/config';
import { z } from 'zod';
import type { CreationDefaults } from './draft.js';
import { DEFAULT_VOICE_CATALOG, VoiceCatalog } from './voice-catalog.js';

const text = (fallback: string, description: string) =>
  z.string().min(1).default(fallback).describe(description);

/** A JSON array of voices (see `VoiceOption`). */
const voiceCatalogJson = z
  .string()
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of voices' });
      return z.NEVER;
    }
  })
  .pipe(VoiceCatalog);

/** What the creator needs in the worker and in the console alike. */
const creatorEnv = () => ({
  VOXIE_LLM_MODEL: text('gpt-4.1', "Voxie's own LLM (OpenAI or OPENAI_BASE_URL)"),
  VOXIE_STT_PROVIDER: SttSettings.shape.provider
    .optional()
    .describe(
      "Voxie's speech-to-text provider (default: deepgram with a Deepgram key, else openai)",
    ),
  VOXIE_STT_MODEL: z.string().min(1).optional().describe("Voxie's speech-to-text model"),
  VOXIE_TTS_PROVIDER: TtsSettings.shape.provider.default('openai'),
  VOXIE_TTS_VOICE: text('nova', "Voxie's own voice"),
  VOXIE_TTS_MODEL: z.string().min(1).optional().describe("Voxie's TTS model"),
  AGENT_DEFAULT_LLM_MODEL: text('gpt-4.1-mini', 'LLM new agents get (OpenAI provider)'),
  AGENT_DEFAULT_STT_PROVIDER: SttSettings.shape.provider
    .optional()
    .describe('speech-to-text provider new agents get (default as for Voxie)'),
  AGENT_DEFAULT_STT_MODEL: z
    .string()
    .min(1)
    .optional()
    .describe('speech-to-text model new agents get'),
  VOXIE_VOICE_CATALOG: voiceCatalogJson
    .optional()
    .describe('JSON array of voices people may choose; default: OpenAI voices'),
});

const voxieEnv = (mode: NodeEnv) =>
  z.object({
    ...commonEnv,
    ...livekitEnv(mode),
    ...databaseEnv,
    ...providerEnv,
    ...portEnv('PORT', 8082),
    ...agentWorkerEnv,
    REJOIN_GRACE_MS: milliseconds(
      60_000,
      'how long a creation session waits for a creator who dropped out to rejoin the room',
    ),
    OWNER_WAIT_TIMEOUT_MS: milliseconds(
      60_000,
      'how long a job waits for the creator to join before it ends',
    ),
    ...creatorEnv(),
  });

export type VoxieEnv = z.infer<ReturnType<typeof voxieEnv>>;

/** The console talks to Voxie in the terminal: no LiveKit, no speech. */
const voxieConsoleEnv = () =>
  z.object({ ...commonEnv, ...databaseEnv, ...providerEnv, ...creatorEnv() });

export type VoxieConsoleEnv = z.infer<ReturnType<typeof voxieConsoleEnv>>;

/** Parses the console's environment; throws one ConfigError listing every problem. */
export function loadVoxieConsoleEnv(source: EnvSource): VoxieConsoleEnv {
  return loadEnv(voxieConsoleEnv, source);
}

/** Parses Voxie's environment; throws one ConfigError listing every problem. */
export function loadVoxieEnv(source: EnvSource): VoxieEnv {
  return loadEnv(voxieEnv, source);
}

function isLiveKitCloud(url: string): boolean {
  return new URL(url).hostname.endsWith('.livekit.cloud');
}

/** The provider keys this deployment has (same rules as the spawner's). */
export function providerKeysFrom(
  env: VoxieConsoleEnv &
    Partial<Pick<VoxieEnv, 'LIVEKIT_URL' | 'LIVEKIT_API_KEY' | 'LIVEKIT_API_SECRET'>>,
): ProviderKeys {
  return {
    openaiApiKey: env.OPENAI_API_KEY,
    openaiBaseURL: env.OPENAI_BASE_URL,
    deepgramApiKey: env.DEEPGRAM_API_KEY,
    cartesiaApiKey: env.CARTESIA_API_KEY,
    elevenlabsApiKey: env.ELEVENLABS_API_KEY,
    // LiveKit Inference exists on LiveKit Cloud only.
    ...(env.LIVEKIT_URL && isLiveKitCloud(env.LIVEKIT_URL)
      ? { livekitApiKey: env.LIVEKIT_API_KEY, livekitApiSecret: env.LIVEKIT_API_SECRET }
      : {}),
  };
}

/** Models Voxie itself talks with. */
export interface VoxieModels {
  llm: LlmSettings;
  stt: SttSettings;
  tts: TtsSettings;
}

const STT_DEFAULT_MODELS: Record<SttSettings['provider'], string> = {
  deepgram: 'nova-3',
  openai: 'gpt-4o-transcribe',
  livekit: 'deepgram/nova-3',
};

/**
 * Speech-to-text settings: the given provider and model, else Deepgram when the deployment has
 * a Deepgram key and OpenAI otherwise (so one OpenAI key is enough to run everything).
 */
function sttSettings(
  env: VoxieConsoleEnv,
  provider: SttSettings['provider'] | undefined,
  model: string | undefined,
): SttSettings {
  const chosen = provider ?? (env.DEEPGRAM_API_KEY ? 'deepgram' : 'openai');
  return SttSettings.parse({ provider: chosen, model: model ?? STT_DEFAULT_MODELS[chosen] });
}

export function voxieModelsFrom(env: VoxieEnv): VoxieModels {
  return {
    llm: LlmSettings.parse({ provider: 'openai', model: env.VOXIE_LLM_MODEL }),
    stt: sttSettings(env, env.VOXIE_STT_PROVIDER, env.VOXIE_STT_MODEL),
    tts: TtsSettings.parse({
      provider: env.VOXIE_TTS_PROVIDER,
      voice: env.VOXIE_TTS_VOICE,
      model: env.VOXIE_TTS_MODEL,
    }),
  };
}

export function creationDefaultsFrom(env: VoxieConsoleEnv): CreationDefaults {
  return {
    llm: LlmSettings.parse({ provider: 'openai', model: env.AGENT_DEFAULT_LLM_MODEL }),
    stt: sttSettings(env, env.AGENT_DEFAULT_STT_PROVIDER, env.AGENT_DEFAULT_STT_MODEL),
  };
}

export function voiceCatalogFrom(env: VoxieConsoleEnv): VoiceCatalog {
  return env.VOXIE_VOICE_CATALOG ?? DEFAULT_VOICE_CATALOG;
}
