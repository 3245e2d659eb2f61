import { performance } from 'node:perf_hooks';
import { type llm, voice } from '@livekit/agents';
import type { AgentDefinition } from '../agent-definition.js';
import { greet } from '../agent-factory.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import { type RecordedItem, type RecorderSink, SessionRecorder } from '../session-recorder.js';
import type { ToolRuntime } from '../tools/tool-registry.js';
import { buildAgentUnderTest } from './agent-under-test.js';
import type { EndCondition, Persona, Scenario } from './schemas.js';

export type SimulationSide = 'caller' | 'agent';

/** One conversation item as one side saw it, with the exchange it belongs to. */
export interface SimulationItem {
  side: SimulationSide;
  /** 0 = the opening (greeting / first caller line), then 1, 2, ... per exchange. */
  turn: number;
  type: RecordedItem['type'];
  role?: 'user' | 'assistant';
  content: Record<string, unknown>;
  /** Milliseconds since the run started. */
  atMs: number;
}

/** Timing of one exchange: the caller spoke, the agent answered. */
export interface SimulationTurn {
  index: number;
  callerText: string;
  agentText: string;
  /** From the agent's input to its reply being complete (tools and handoffs included). */
  agentLatencyMs: number;
  callerLatencyMs: number;
}

export type SimulationEndReason =
  | 'end_condition'
  | 'max_turns'
  | 'time_limit'
  | 'agent_ended_call'
  | 'error';

export interface TextSimulationResult {
  endReason: SimulationEndReason;
  /** Which end condition held, the error message... */
  endDetail?: string;
  /** Completed exchanges. */
  turns: number;
  durationMs: number;
  /** Each side's transcript in order (the caller's user messages are the agent's replies). */
  transcripts: Record<SimulationSide, SimulationItem[]>;
  turnTimings: SimulationTurn[];
  /** The agent's system prompt at the start (for exports). */
  agentInstructions: string;
}

export interface TextSimulationOptions {
  definition: AgentDefinition;
  scenario: Scenario;
  persona: Persona;
  registry: ProviderRegistry;
  /** The simulated caller's model. */
  callerLlm: llm.LLM;
  /** Replaces the definition's LLM for the agent under test (scripted LLMs in tests). */
  agentLlm?: llm.LLM;
  /** Runtime of live tools (secrets, logs). Tools with fixtures in the scenario never run live. */
  tools?: ToolRuntime;
  /** Persist the agent side's transcript into this session (see `createDatabaseSink`). */
  recording?: { sessionId: string; sink: RecorderSink };
  /** Stops the run early (reported as `time_limit`). */
  signal?: AbortSignal;
}

/** The caller's system prompt, built from the persona and the scenario. */
export function callerInstructions(persona: Persona, scenario: Scenario): string {
  const endToken = scenario.endConditions.find((c) => c.type === 'caller_says');
  const lines = [
    'You are role-playing a person calling a customer-support line. Stay in character; never say you are an AI, a model or part of a simulation. Speak only your own lines.',
    `You are ${persona.displayName}. ${persona.background}`,
    persona.traits.length > 0 ? `Your traits: ${persona.traits.join(', ')}.` : '',
    `How you speak: ${persona.speakingStyle}`,
    `Your goal: ${persona.goal}`,
    `In this call you want: ${scenario.callerWants}`,
  ];
  if (scenario.opening) lines.push(`You open the call with something like: "${scenario.opening}"`);
  if (persona.hiddenFacts.length > 0) {
    lines.push(
      'Facts you reveal only when the agent asks about their topic:',
      ...persona.hiddenFacts.map((f) => `- ${f.topic}: ${f.fact}`),
    );
  }
  if (endToken) {
    lines.push(
      `When your goal is met, or you give up, say goodbye and end that message with ${endToken.text}.`,
    );
  }
  return lines.filter(Boolean).join('\n');
}

class TimeLimitReached extends Error {}

function contains(haystack: string, needle: string): boolean {
  return haystack.toLowerCase().includes(needle.toLowerCase());
}

/** The end condition the new items meet, if any. */
function metCondition(
  conditions: readonly EndCondition[],
  items: readonly SimulationItem[],
): EndCondition | undefined {
  return conditions.find((condition) =>
    items.some((item) => {
      switch (condition.type) {
        case 'caller_says':
          return (
            item.side === 'caller' &&
            item.role === 'assistant' &&
            contains(String(item.content.text ?? ''), condition.text)
          );
        case 'agent_says':
          return (
            item.side === 'agent' &&
            item.role === 'assistant' &&
            contains(String(item.content.text ?? ''), condition.text)
          );
        case 'tool_called':
          return (
            item.side === 'agent' &&
            item.type === 'function_call' &&
            item.content.name === condition.tool
          );
        case 'handoff':
          return (
            item.side === 'agent' &&
            item.type === 'agent_handoff' &&
            item.content.to === condition.to
          );
      }
      return false;
    }),
  );
}

function describeCondition(condition: EndCondition): string {
  switch (condition.type) {
    case 'caller_says':
    case 'agent_says':
      return `${condition.type}:${condition.text}`;
    case 'tool_called':
      return `tool_called:${condition.tool}`;
    case 'handoff':
      return `handoff:${condition.to}`;
  }
}

/** Spoken text of one side's assistant messages among `items`. */
function spokenText(items: readonly SimulationItem[], side: SimulationSide): string {
  return items
    .filter((item) => item.side === side && item.type === 'message' && item.role === 'assistant')
    .map((item) => String(item.content.text ?? ''))
    .filter((text) => text.length > 0)
    .join(' ');
}

/**
 * Runs one simulated conversation in memory: the persona-driven caller and the agent under
 * test are two text-only `AgentSession`s; each side's finished reply becomes the other side's
 * user input. Alternates until an end condition, the agent's `end_call`, `maxTurns` exchanges
 * or the time limit. Never throws for conversation failures: they end the run with `error`.
 */
export async function runTextSimulation(
  options: TextSimulationOptions,
): Promise<TextSimulationResult> {
  const { scenario, persona, definition } = options;
  const startedAt = performance.now();
  const deadline = startedAt + scenario.timeLimitSeconds * 1000;
  const all: SimulationItem[] = [];
  const transcripts: Record<SimulationSide, SimulationItem[]> = { caller: [], agent: [] };
  const turnTimings: SimulationTurn[] = [];
  let turn = 0;

  const collect = (side: SimulationSide) => (item: RecordedItem) => {
    const recorded: SimulationItem = {
      side,
      turn,
      type: item.type,
      role: item.role === 'user' || item.role === 'assistant' ? item.role : undefined,
      content: item.content as Record<string, unknown>,
      atMs: Math.round((performance.now() - startedAt) * 10) / 10,
    };
    transcripts[side].push(recorded);
    all.push(recorded);
  };
  const discard: RecorderSink = {
    appendTranscript: async () => undefined,
    finishSession: async () => undefined,
  };

  const built = buildAgentUnderTest(definition, {
    registry: options.registry,
    llm: options.agentLlm,
    fixtures: scenario.fixtures,
    tools: options.tools,
  });
  const agentSession = new voice.AgentSession(built.sessionOptions);
  const callerSession = new voice.AgentSession({
    llm: options.callerLlm,
    vad: null,
    turnHandling: { turnDetection: null },
    userAwayTimeout: null,
  });
  const agentRecorder = new SessionRecorder({
    sessionId: options.recording?.sessionId ?? 'unrecorded',
    sink: options.recording?.sink ?? discard,
    recordTranscript: options.recording !== undefined,
    onItem: collect('agent'),
  }).attach(agentSession);
  const callerRecorder = new SessionRecorder({
    sessionId: 'caller',
    sink: discard,
    recordTranscript: false,
    onItem: collect('caller'),
  }).attach(callerSession);

  let agentClosed = false;
  agentSession.on(voice.AgentSessionEventTypes.Close, () => {
    agentClosed = true;
  });
  // A model that fails (after its retries) leaves the turn without a reply: the run is an error.
  let failure: string | undefined;
  const onError = (side: SimulationSide) => (event: voice.ErrorEvent) => {
    const error = event.error as { error?: unknown; recoverable?: boolean };
    if (error.recoverable === true || failure) return;
    const cause =
      error.error instanceof Error ? error.error.message : String(error.error ?? 'error');
    failure = `the ${side}'s ${event.source?.constructor.name ?? 'model'} failed: ${cause}`;
  };
  agentSession.on(voice.AgentSessionEventTypes.Error, onError('agent'));
  callerSession.on(voice.AgentSessionEventTypes.Error, onError('caller'));

  /** Awaits `work` unless the time limit (or the abort signal) comes first. */
  const bounded = async <T>(work: Promise<T>): Promise<T> => {
    const remaining = deadline - performance.now();
    if (remaining <= 0 || options.signal?.aborted) throw new TimeLimitReached();
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      return await Promise.race([
        work,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new TimeLimitReached()), remaining);
          onAbort = () => reject(new TimeLimitReached());
          options.signal?.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } finally {
      clearTimeout(timer);
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    }
  };

  /** One side answers `input` (or speaks first when undefined); returns what it said. */
  const reply = async (
    side: SimulationSide,
    input: string | undefined,
  ): Promise<{ text: string; latencyMs: number; items: SimulationItem[] }> => {
    const session = side === 'agent' ? agentSession : callerSession;
    const from = all.length;
    const began = performance.now();
    if (side === 'agent') {
      // run() follows everything the input causes (tool calls, handoffs, the next agent's reply).
      await bounded(session.run({ userInput: input ?? '' }).wait());
    } else {
      // The caller has no tools or handoffs: one speech handle is the whole reply.
      await bounded(
        session
          .generateReply(input === undefined ? undefined : { userInput: input })
          .waitForPlayout(),
      );
    }
    if (failure) throw new Error(failure);
    const items = all.slice(from);
    return { text: spokenText(items, side), latencyMs: performance.now() - began, items };
  };

  let endReason: SimulationEndReason = 'max_turns';
  let endDetail: string | undefined;
  const endedBy = (items: readonly SimulationItem[]): boolean => {
    if (
      items.some(
        (item) =>
          item.side === 'agent' &&
          item.type === 'function_call' &&
          built.endCallTools.has(String(item.content.name)),
      ) ||
      agentClosed
    ) {
      endReason = 'agent_ended_call';
      return true;
    }
    const condition = metCondition(scenario.endConditions, items);
    if (condition) {
      endReason = 'end_condition';
      endDetail = describeCondition(condition);
      return true;
    }
    return false;
  };

  try {
    await agentSession.start({ agent: built.agent });
    await callerSession.start({
      agent: new voice.Agent({ instructions: callerInstructions(persona, scenario) }),
    });

    // Opening: the agent greets (and the caller answers), or the caller opens.
    let callerText: string;
    let opening: SimulationItem[] = [];
    const greeting = greet(agentSession, definition.greeting);
    if (greeting) {
      const from = all.length;
      await bounded(greeting.waitForPlayout());
      opening = all.slice(from);
      const answer = await reply('caller', spokenText(opening, 'agent'));
      callerText = answer.text;
      opening.push(...answer.items);
    } else if (scenario.opening) {
      const from = all.length;
      await bounded(callerSession.say(scenario.opening).waitForPlayout());
      opening = all.slice(from);
      callerText = scenario.opening;
    } else {
      const first = await reply('caller', undefined);
      callerText = first.text;
      opening = first.items;
    }

    if (!endedBy(opening)) {
      for (turn = 1; turn <= scenario.maxTurns; turn += 1) {
        const agentTurn = await reply('agent', callerText);
        const timing: SimulationTurn = {
          index: turn,
          callerText,
          agentText: agentTurn.text,
          agentLatencyMs: Math.round(agentTurn.latencyMs * 10) / 10,
          callerLatencyMs: 0,
        };
        turnTimings.push(timing);
        if (endedBy(agentTurn.items)) break;
        if (turn === scenario.maxTurns) break;
        const callerTurn = await reply('caller', agentTurn.text);
        timing.callerLatencyMs = Math.round(callerTurn.latencyMs * 10) / 10;
        callerText = callerTurn.text;
        if (endedBy(callerTurn.items)) break;
      }
      if (turn > scenario.maxTurns) turn = scenario.maxTurns;
    }
  } catch (error) {
    if (error instanceof TimeLimitReached) {
      endReason = 'time_limit';
    } else {
      endReason = 'error';
      endDetail = error instanceof Error ? error.message : String(error);
    }
  } finally {
    await Promise.allSettled([agentSession.close(), callerSession.close()]);
    await agentRecorder.finish({
      endReason: `simulation_${endReason}`,
      status: endReason === 'error' ? 'failed' : 'ended',
      usage: agentSession.usage,
    });
    await callerRecorder.finish({ endReason: 'caller_done' });
  }

  return {
    endReason,
    endDetail,
    turns: turnTimings.length,
    durationMs: Math.round(performance.now() - startedAt),
    transcripts,
    turnTimings,
    agentInstructions: built.instructions,
  };
}
