import type { VAD, voice } from '@livekit/agents';
import type { ProviderRegistry } from '@voxie/agent-core';
import type { VoxieModels } from './env.js';

/**
 * Voxie's own voice pipeline: the configured LLM, STT and TTS, Silero VAD with the local
 * turn detector, VAD-based interruptions (the adaptive mode needs LiveKit Cloud). Synchronous:
 * the plugins connect lazily.
 */
export function voxieSessionOptions(
  registry: ProviderRegistry,
  models: VoxieModels,
  vad: VAD | undefined,
): voice.AgentSessionOptions {
  return {
    llm: registry.createLlm(models.llm),
    stt: registry.createStt(models.stt, 'en'),
    tts: registry.createTts(models.tts, 'en'),
    vad: vad ?? null,
    turnHandling: {
      turnDetection: vad ? registry.createTurnDetector() : 'stt',
      interruption: { enabled: true, mode: 'vad' },
    },
  };
}
