import {
  type inference as Inference,
  inference,
  type llm,
  type stt,
  type tts,
  type VAD,
} from '@livekit/agents';
import * as cartesia from '@livekit/agents-plugin-cartesia';
import * as deepgram from '@livekit/agents-plugin-deepgram';
import * as elevenlabs from '@livekit/agents-plugin-elevenlabs';
import * as openai from '@livekit/agents-plugin-openai';
import * as silero from '@livekit/agents-plugin-silero';
import type {
  AgentDefinition,
  LlmSettings,
  SttSettings,
  TtsSettings,
} from '../agent-definition.js';
import { AgentCoreError } from '../errors.js';

/**
 * The credentials a deployment has for model providers. Apps fill this from their environment
 * (packages never read `process.env`); an absent key means the provider is not available here.
 */
export interface ProviderKeys {
  openaiApiKey?: string;
  /** Default base URL for the `openai` provider (an OpenAI-compatible server). */
  openaiBaseURL?: string;
  deepgramApiKey?: string;
  cartesiaApiKey?: string;
  elevenlabsApiKey?: string;
  /** LiveKit Inference (`livekit` provider): the project's API key and secret. */
  livekitApiKey?: string;
  livekitApiSecret?: string;
  livekitInferenceURL?: string;
  /** Whether a named secret (e.g. an LLM's `apiKeySecret`) has a value here; absent: unknown
   * (not reported). */
  hasSecret?: (name: string) => boolean;
}

/** One reason a definition cannot run on this deployment. */
export interface ProviderProblem {
  /** Where in the definition, e.g. `llm.provider`. */
  path: string;
  provider: string;
  message: string;
}

/** Which parts of a definition a session needs: a text session needs only the LLM. */
export type ProviderScope = 'voice' | 'text';

const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** How an `openai` LLM is reached: where, and with which credential. */
type OpenAIRoute =
  /** The deployment's endpoint (OPENAI_BASE_URL or OpenAI): its OPENAI_API_KEY applies. */
  | { kind: 'deployment'; baseURL: string | undefined }
  /** A server the definition names: only the definition's `apiKeySecret` may be sent there. */
  | { kind: 'foreign'; baseURL: string; secret: string | undefined };

function openaiRoute(
  baseURL: string | undefined,
  apiKeySecret: string | undefined,
  keys: ProviderKeys,
): OpenAIRoute {
  const deployment = keys.openaiBaseURL ?? OPENAI_DEFAULT_BASE_URL;
  if (baseURL === undefined || new URL(baseURL).origin === new URL(deployment).origin) {
    return { kind: 'deployment', baseURL: baseURL ?? keys.openaiBaseURL };
  }
  return { kind: 'foreign', baseURL, secret: apiKeySecret };
}

/** True when the deployment's OpenAI endpoint is OpenAI itself (which needs a key). */
function deploymentIsOpenAI(keys: ProviderKeys): boolean {
  return new URL(keys.openaiBaseURL ?? OPENAI_DEFAULT_BASE_URL).host === 'api.openai.com';
}

function openaiProblem(
  path: string,
  keys: ProviderKeys,
  baseURL: string | undefined,
  apiKeySecret?: string,
): ProviderProblem | undefined {
  const route = openaiRoute(baseURL, apiKeySecret, keys);
  if (route.kind === 'foreign') {
    // Without `hasSecret` (e.g. the control API, which holds no tool secrets) it cannot tell.
    if (route.secret === undefined || !keys.hasSecret || keys.hasSecret(route.secret)) {
      return undefined;
    }
    return {
      path: path.replace(/provider$/, 'apiKeySecret'),
      provider: 'openai',
      message: `secret "${route.secret}" (the API key for ${new URL(route.baseURL).host}) is not configured on this deployment`,
    };
  }
  if (keys.openaiApiKey || !deploymentIsOpenAI(keys)) return undefined;
  return {
    path,
    provider: 'openai',
    message:
      'provider "openai" needs OPENAI_API_KEY on this deployment (or a baseURL of an OpenAI-compatible server)',
  };
}

function keyProblem(
  path: string,
  provider: string,
  present: boolean,
  variable: string,
): ProviderProblem | undefined {
  if (present) return undefined;
  return { path, provider, message: `provider "${provider}" needs ${variable} on this deployment` };
}

function livekitProblem(path: string, keys: ProviderKeys): ProviderProblem | undefined {
  return keyProblem(
    path,
    'livekit',
    Boolean(keys.livekitApiKey && keys.livekitApiSecret),
    'LIVEKIT_API_KEY and LIVEKIT_API_SECRET (LiveKit Inference)',
  );
}

function checkLlm(settings: LlmSettings, keys: ProviderKeys): ProviderProblem | undefined {
  switch (settings.provider) {
    case 'openai':
      return openaiProblem('llm.provider', keys, settings.baseURL, settings.apiKeySecret);
    case 'livekit':
      return livekitProblem('llm.provider', keys);
  }
}

function checkStt(settings: SttSettings, keys: ProviderKeys): ProviderProblem | undefined {
  switch (settings.provider) {
    case 'openai':
      return openaiProblem('stt.provider', keys, undefined);
    case 'deepgram':
      return keyProblem(
        'stt.provider',
        'deepgram',
        Boolean(keys.deepgramApiKey),
        'DEEPGRAM_API_KEY',
      );
    case 'livekit':
      return livekitProblem('stt.provider', keys);
  }
}

function checkTts(settings: TtsSettings, keys: ProviderKeys): ProviderProblem | undefined {
  switch (settings.provider) {
    case 'openai':
      return openaiProblem('tts.provider', keys, undefined);
    case 'cartesia':
      return keyProblem(
        'tts.provider',
        'cartesia',
        Boolean(keys.cartesiaApiKey),
        'CARTESIA_API_KEY',
      );
    case 'elevenlabs':
      return keyProblem(
        'tts.provider',
        'elevenlabs',
        Boolean(keys.elevenlabsApiKey),
        'ELEVENLABS_API_KEY',
      );
    case 'livekit':
      return livekitProblem('tts.provider', keys);
  }
}

/**
 * Whether `definition` can run on a deployment holding `keys`: an empty list means yes. The
 * control API calls this when an agent is published, and the spawner before it accepts a job, so
 * a definition naming a provider with no key is refused with a message saying which key is
 * missing (never its value).
 */
export function checkProviders(
  definition: Pick<AgentDefinition, 'llm' | 'stt' | 'tts'>,
  keys: ProviderKeys,
  scope: ProviderScope = 'voice',
): ProviderProblem[] {
  const problems = [checkLlm(definition.llm, keys)];
  if (scope === 'voice')
    problems.push(checkStt(definition.stt, keys), checkTts(definition.tts, keys));
  return problems.filter((problem) => problem !== undefined);
}

/** One line naming every problem, for logs and API errors. */
export function describeProviderProblems(problems: readonly ProviderProblem[]): string {
  return problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');
}

/**
 * Turns definition settings into plugin instances, with the deployment's keys. Also owns the
 * process-wide models: Silero VAD is loaded once per process and shared by every session.
 */
export class ProviderRegistry {
  #vad?: Promise<VAD>;
  readonly #secrets: (name: string) => string | undefined;

  /** The deployment's keys; `hasSecret` defaults to asking this registry's `secrets`. */
  readonly keys: ProviderKeys;

  /** `secrets` resolves the API keys definitions reference (`llm.apiKeySecret`). */
  constructor(
    keys: ProviderKeys,
    options: { secrets?: (name: string) => string | undefined } = {},
  ) {
    const secrets = options.secrets ?? (() => undefined);
    this.#secrets = secrets;
    this.keys = { hasSecret: (name) => secrets(name) !== undefined, ...keys };
  }

  /** {@link checkProviders} with this registry's keys. */
  check(
    definition: Pick<AgentDefinition, 'llm' | 'stt' | 'tts'>,
    scope: ProviderScope = 'voice',
  ): ProviderProblem[] {
    return checkProviders(definition, this.keys, scope);
  }

  /** Throws {@link AgentCoreError} `provider_unavailable` unless the definition can run here. */
  assertAvailable(
    definition: Pick<AgentDefinition, 'llm' | 'stt' | 'tts'>,
    scope: ProviderScope = 'voice',
  ): void {
    const problems = this.check(definition, scope);
    if (problems.length > 0) {
      throw new AgentCoreError('provider_unavailable', describeProviderProblems(problems));
    }
  }

  createLlm(settings: LlmSettings): llm.LLM {
    const problem = checkLlm(settings, this.keys);
    if (problem) throw new AgentCoreError('provider_unavailable', problem.message);
    switch (settings.provider) {
      case 'openai': {
        const route = openaiRoute(settings.baseURL, settings.apiKeySecret, this.keys);
        // Self-hosted OpenAI-compatible servers usually take any key; the SDK insists on one.
        const apiKey =
          route.kind === 'deployment'
            ? (this.keys.openaiApiKey ?? 'no-key')
            : route.secret
              ? this.#secrets(route.secret)
              : 'no-key';
        if (apiKey === undefined) {
          throw new AgentCoreError(
            'provider_unavailable',
            `secret "${route.kind === 'foreign' ? route.secret : ''}" for the LLM is not configured on this deployment`,
          );
        }
        return new openai.LLM({
          model: settings.model,
          temperature: settings.temperature,
          baseURL: route.baseURL,
          apiKey,
        });
      }
      case 'livekit':
        return new inference.LLM({
          model: settings.model as Inference.LLMModels,
          apiKey: this.keys.livekitApiKey,
          apiSecret: this.keys.livekitApiSecret,
          baseURL: this.keys.livekitInferenceURL,
          modelOptions:
            settings.temperature === undefined ? undefined : { temperature: settings.temperature },
        });
    }
  }

  createStt(settings: SttSettings, language: string): stt.STT {
    const problem = checkStt(settings, this.keys);
    if (problem) throw new AgentCoreError('provider_unavailable', problem.message);
    const lang = settings.language ?? language;
    switch (settings.provider) {
      case 'openai':
        return new openai.STT({
          model: settings.model,
          language: lang,
          apiKey: this.keys.openaiApiKey ?? 'no-key',
          baseURL: this.keys.openaiBaseURL,
        });
      case 'deepgram':
        return new deepgram.STT({
          model: settings.model,
          language: lang,
          apiKey: this.keys.deepgramApiKey,
        });
      case 'livekit':
        return new inference.STT({
          model: settings.model as Inference.STTModelString,
          language: lang,
          apiKey: this.keys.livekitApiKey,
          apiSecret: this.keys.livekitApiSecret,
          baseURL: this.keys.livekitInferenceURL,
        } as ConstructorParameters<typeof inference.STT>[0]);
    }
  }

  createTts(settings: TtsSettings, language: string): tts.TTS {
    const problem = checkTts(settings, this.keys);
    if (problem) throw new AgentCoreError('provider_unavailable', problem.message);
    switch (settings.provider) {
      case 'openai':
        return new openai.TTS({
          model: settings.model ?? 'gpt-4o-mini-tts',
          voice: settings.voice as ConstructorParameters<typeof openai.TTS>[0] extends
            | { voice?: infer V }
            | undefined
            ? V
            : never,
          apiKey: this.keys.openaiApiKey ?? 'no-key',
          baseURL: this.keys.openaiBaseURL,
        });
      case 'cartesia':
        return new cartesia.TTS({
          model: settings.model ?? 'sonic-2',
          voice: settings.voice,
          language,
          apiKey: this.keys.cartesiaApiKey,
        });
      case 'elevenlabs':
        return new elevenlabs.TTS({
          voiceId: settings.voice,
          model: settings.model,
          language,
          apiKey: this.keys.elevenlabsApiKey,
        });
      case 'livekit':
        return new inference.TTS({
          model: (settings.model ?? 'cartesia/sonic-2') as Inference.TTSModelString,
          voice: settings.voice,
          language,
          apiKey: this.keys.livekitApiKey,
          apiSecret: this.keys.livekitApiSecret,
          baseURL: this.keys.livekitInferenceURL,
        } as ConstructorParameters<typeof inference.TTS>[0]);
    }
  }

  /**
   * Silero VAD, loaded on first use and shared afterwards (the model is loaded once per process;
   * workers call this from `prewarm`).
   */
  loadVad(): Promise<VAD> {
    this.#vad ??= silero.VAD.load();
    return this.#vad;
  }

  /** The bundled local end-of-turn model (`turn-detector-v1-mini`, no download, no cloud). */
  createTurnDetector(): Inference.TurnDetector {
    return new inference.TurnDetector({ version: 'v1-mini' });
  }
}
