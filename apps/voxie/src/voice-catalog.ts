import { checkProviders, type ProviderKeys, TtsSettings } from '@voxie/agent-core';
import { z } from 'zod';

/** One voice a person can pick for their agent, with the TTS settings it stands for. */
export const VoiceOption = z.object({
  /** Short, speakable id Voxie and the person use, e.g. `nova`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, {
    message: 'must be 1-64 characters of a-z, 0-9, _ or -',
  }),
  label: z.string().min(1).max(100),
  /** How it sounds, in a few words. */
  description: z.string().min(1).max(300),
  /** Language tags it suits; empty means any. */
  languages: z.array(z.string().min(2)).default([]),
  tts: TtsSettings,
});
export type VoiceOption = z.infer<typeof VoiceOption>;

export const VoiceCatalog = z.array(VoiceOption).superRefine((voices, ctx) => {
  const seen = new Set<string>();
  voices.forEach((voice, index) => {
    if (seen.has(voice.id)) {
      ctx.addIssue({ code: 'custom', message: `duplicate voice id "${voice.id}"`, path: [index] });
    }
    seen.add(voice.id);
  });
});
export type VoiceCatalog = z.infer<typeof VoiceCatalog>;

const openaiVoice = (id: string, label: string, description: string): VoiceOption => ({
  id,
  label,
  description,
  languages: [],
  tts: { provider: 'openai', voice: id, model: 'gpt-4o-mini-tts' },
});

/**
 * Voices offered when the deployment configures none (`VOXIE_VOICE_CATALOG`): OpenAI's built-in
 * voices, which speak every language the model does.
 */
export const DEFAULT_VOICE_CATALOG: VoiceCatalog = [
  openaiVoice('alloy', 'Alloy', 'neutral and balanced'),
  openaiVoice('nova', 'Nova', 'bright, friendly and upbeat'),
  openaiVoice('shimmer', 'Shimmer', 'soft and calm'),
  openaiVoice('echo', 'Echo', 'warm, lower male voice'),
  openaiVoice('coral', 'Coral', 'clear and professional'),
];

/** Whether this deployment has the key a voice's provider needs (the same check as publishing). */
export function voiceIsAvailable(voice: VoiceOption, keys: ProviderKeys): boolean {
  const problems = checkProviders(
    {
      llm: { provider: 'openai', model: 'any' },
      stt: { provider: 'openai', model: 'any' },
      tts: voice.tts,
    },
    keys,
  );
  return !problems.some((problem) => problem.path.startsWith('tts'));
}

/** The catalog's voices this deployment can actually speak with, in catalog order. */
export function availableVoices(catalog: VoiceCatalog, keys: ProviderKeys): VoiceOption[] {
  return catalog.filter((voice) => voiceIsAvailable(voice, keys));
}

/** Voices suited to `language` (its primary subtag), voices for any language included. */
export function voicesForLanguage(voices: readonly VoiceOption[], language: string): VoiceOption[] {
  const primary = language.toLowerCase().split('-')[0] ?? language;
  return voices.filter(
    (voice) =>
      voice.languages.length === 0 ||
      voice.languages.some((tag) => tag.toLowerCase().split('-')[0] === primary),
  );
}
