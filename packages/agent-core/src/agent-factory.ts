import { type llm, type VAD, voice } from '@livekit/agents';
import { type AnyFunctionTool, createWorkflow, type Workflow } from '@voxie/handoff';
import {
  type AgentDefinition,
  type Greeting,
  LlmSettings,
  SttSettings,
  TtsSettings,
} from './agent-definition.js';
import type { ProviderRegistry } from './providers/provider-registry.js';
import { buildTools, type ToolRuntime } from './tools/tool-registry.js';

/** `voice`: STT, TTS, VAD and turn detection as the definition says. `text`: LLM only. */
export type SessionMode = 'voice' | 'text';

export interface BuildAgentOptions {
  registry: ProviderRegistry;
  mode: SessionMode;
  /** Use this LLM instead of the definition's, workflow nodes included (console flags,
   * scripted LLMs in tests). */
  llm?: llm.LLM;
  /** The process-wide VAD (see `ProviderRegistry.loadVad`); needed in voice mode when the
   * definition turns VAD on. */
  vad?: VAD;
  tools?: ToolRuntime;
}

/** A definition made runnable: the agent plus everything its session needs. */
export interface BuiltAgent {
  definition: AgentDefinition;
  agent: voice.Agent;
  /** The workflow instance when the definition has one (its events: handoff, escalation...). */
  workflow?: Workflow;
  sessionOptions: voice.AgentSessionOptions;
  /** A new session with {@link sessionOptions}. */
  createSession(): voice.AgentSession;
  /** Opens the conversation as the definition's greeting says; undefined when it waits. */
  greet(session: voice.AgentSession): voice.SpeechHandle | undefined;
}

/** Speaks (or generates) the opening line of a started session. */
export function greet(
  session: voice.AgentSession,
  greeting: Greeting,
): voice.SpeechHandle | undefined {
  switch (greeting.mode) {
    case 'say':
      return session.say(greeting.text, { allowInterruptions: true });
    case 'generate':
      return session.generateReply({ instructions: greeting.instructions });
    case 'wait':
      return undefined;
  }
}

function instructionsFor(definition: AgentDefinition): string {
  return definition.language === 'en'
    ? definition.instructions
    : `${definition.instructions}\n\nSpeak ${definition.language} (BCP 47) unless the caller switches language.`;
}

/**
 * Definition → `voice.Agent` + `AgentSession` options. Synchronous and cheap (no I/O): the
 * plugins connect lazily, and the VAD model is loaded once per process by the caller.
 * Throws `AgentCoreError('provider_unavailable')` when the definition needs a key this
 * deployment lacks.
 */
export function buildAgent(definition: AgentDefinition, options: BuildAgentOptions): BuiltAgent {
  const { registry, mode } = options;
  const model = options.llm ?? registry.createLlm(definition.llm);
  const tools = buildTools(definition.tools, options.tools);
  let agent: voice.Agent;
  let workflow: Workflow | undefined;
  if (definition.workflow) {
    // One workflow instance per built agent, i.e. per session: it holds the session's userdata.
    workflow = createWorkflow(definition.workflow, {
      tools: tools as AnyFunctionTool[],
      resolveModels: (node) => ({
        llm:
          options.llm ?? (node.llm ? registry.createLlm(LlmSettings.parse(node.llm)) : undefined),
        stt:
          mode === 'voice' && node.stt
            ? registry.createStt(SttSettings.parse(node.stt), definition.language)
            : undefined,
        tts:
          mode === 'voice' && node.tts
            ? registry.createTts(TtsSettings.parse(node.tts), definition.language)
            : undefined,
      }),
    });
    agent = workflow.entryAgent;
  } else {
    agent = new voice.Agent({ instructions: instructionsFor(definition), tools });
  }

  let sessionOptions: voice.AgentSessionOptions;
  if (mode === 'text') {
    sessionOptions = {
      userData: workflow?.userdata,
      llm: model,
      vad: null,
      turnHandling: { turnDetection: null },
      userAwayTimeout: null,
    };
  } else {
    const turn = definition.turnHandling;
    if (turn.vad && !options.vad) {
      throw new Error(
        'buildAgent: voice mode with VAD needs options.vad (ProviderRegistry.loadVad)',
      );
    }
    sessionOptions = {
      userData: workflow?.userdata,
      llm: model,
      stt: registry.createStt(definition.stt, definition.language),
      tts: registry.createTts(definition.tts, definition.language),
      vad: turn.vad ? (options.vad ?? null) : null,
      turnHandling: {
        turnDetection: turn.turnDetector ? registry.createTurnDetector() : turn.vad ? 'vad' : 'stt',
        endpointing: {
          minDelay: turn.minEndpointingDelayMs,
          maxDelay: turn.maxEndpointingDelayMs,
        },
        // `adaptive` interruption needs LiveKit Cloud; VAD-based works anywhere.
        interruption: { enabled: turn.allowInterruptions, mode: 'vad' },
      },
    };
  }

  return {
    definition,
    agent,
    workflow,
    sessionOptions,
    createSession: () => new voice.AgentSession(sessionOptions),
    greet: (session) => greet(session, definition.greeting),
  };
}
