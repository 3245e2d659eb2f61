import { z } from 'zod';
import { LlmSettings } from '../agent-definition.js';
import { ToolName } from '../tools/tool-definition.js';

/**
 * Simulated callers: who calls (persona), what they want (scenario), how the run is judged
 * (criteria and deterministic checks) and what the agent's tools answer (fixtures).
 */

/** Library names (`billing-dispute`): lower-case words joined by `-`. */
export const SimulationName = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'must be lower-case words joined by -' })
  .max(64);

export const HiddenFact = z.object({
  /** What the agent has to ask about before the caller reveals it, e.g. `account number`. */
  topic: z.string().trim().min(1).max(200),
  fact: z.string().trim().min(1).max(1000),
});
export type HiddenFact = z.infer<typeof HiddenFact>;

export const Persona = z.object({
  name: SimulationName,
  /** Name the caller gives when asked. */
  displayName: z.string().trim().min(1).max(100),
  background: z.string().trim().min(1).max(2000),
  goal: z.string().trim().min(1).max(1000),
  traits: z.array(z.string().trim().min(1).max(200)).max(20).default([]),
  /** Facts the caller only reveals when the agent asks about their topic. */
  hiddenFacts: z.array(HiddenFact).max(20).default([]),
  speakingStyle: z.string().trim().min(1).max(500).default('Short, natural spoken sentences.'),
});
export type Persona = z.infer<typeof Persona>;
export type PersonaInput = z.input<typeof Persona>;

/** A success criterion judged by an LLM from the transcript. */
export const JudgedCriterion = z.object({
  id: SimulationName,
  description: z.string().trim().min(1).max(1000),
  /** A run passes only if every required criterion and check passes. Default true. */
  required: z.boolean().default(true),
});
export type JudgedCriterion = z.infer<typeof JudgedCriterion>;

const checkBase = {
  id: SimulationName.optional(),
  required: z.boolean().default(true),
};

/** Checks computed from the transcript without any model. */
export const DeterministicCheck = z.discriminatedUnion('type', [
  z.object({
    ...checkBase,
    type: z.literal('tool_called'),
    tool: ToolName,
    /** Every given argument must equal the call's (other arguments may be anything). */
    arguments: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({ ...checkBase, type: z.literal('tool_not_called'), tool: ToolName }),
  z.object({ ...checkBase, type: z.literal('handoff'), to: z.string().min(1).max(64) }),
  z.object({
    ...checkBase,
    type: z.literal('phrase_never_said'),
    phrase: z.string().min(1).max(500),
    /** Whose messages are searched (case-insensitive). Default the agent's. */
    side: z.enum(['agent', 'caller']).default('agent'),
  }),
  z.object({ ...checkBase, type: z.literal('max_turns'), turns: z.number().int().min(1) }),
]);
export type DeterministicCheck = z.infer<typeof DeterministicCheck>;

/** When the conversation is over (besides max turns, the time limit and `end_call`). */
export const EndCondition = z.discriminatedUnion('type', [
  /** A caller message contains this text (case-insensitive). */
  z.object({ type: z.literal('caller_says'), text: z.string().min(1).max(200) }),
  /** An agent message contains this text (case-insensitive). */
  z.object({ type: z.literal('agent_says'), text: z.string().min(1).max(200) }),
  /** The agent called this tool. */
  z.object({ type: z.literal('tool_called'), tool: ToolName }),
  /** The agent's workflow handed off to this node. */
  z.object({ type: z.literal('handoff'), to: z.string().min(1).max(64) }),
]);
export type EndCondition = z.infer<typeof EndCondition>;

/** Token the caller is told to add to its last message; the default end condition. */
export const CALLER_END_TOKEN = '[END]';

/** What a tool answers in a simulation instead of calling its service. */
export const ToolFixture = z.object({
  tool: ToolName,
  /** Only calls whose arguments include these values use this fixture; first match wins. */
  whenArguments: z.record(z.string(), z.unknown()).optional(),
  /** Returned to the LLM as the tool output. */
  output: z.unknown().optional(),
  /** Returned as a tool error instead. */
  error: z.string().min(1).max(2000).optional(),
});
export type ToolFixture = z.infer<typeof ToolFixture>;

export const Scenario = z.object({
  name: SimulationName,
  description: z.string().trim().max(2000).default(''),
  /** The caller's first line when the agent waits for the caller; default: the caller's LLM opens. */
  opening: z.string().trim().min(1).max(2000).optional(),
  /** What the caller wants out of the call (goes into the caller's instructions). */
  callerWants: z.string().trim().min(1).max(2000),
  successCriteria: z.array(JudgedCriterion).max(20).default([]),
  checks: z.array(DeterministicCheck).max(50).default([]),
  /** Caller + agent exchanges at most. */
  maxTurns: z.number().int().min(1).max(200).default(12),
  timeLimitSeconds: z.number().min(1).max(3600).default(300),
  endConditions: z
    .array(EndCondition)
    .max(20)
    .default([{ type: 'caller_says', text: CALLER_END_TOKEN }]),
  /** Tools listed here answer from fixtures; the others run live. */
  fixtures: z.array(ToolFixture).max(100).default([]),
});
export type Scenario = z.infer<typeof Scenario>;
export type ScenarioInput = z.input<typeof Scenario>;

/** A batch: runs × scenarios × personas. */
export const SimulationConfig = z.object({
  /** Library names or inline scenarios. */
  scenarios: z
    .array(z.union([SimulationName, Scenario]))
    .min(1)
    .max(50),
  personas: z
    .array(z.union([SimulationName, Persona]))
    .min(1)
    .max(50),
  /** Runs per (scenario, persona) pair. */
  runs: z.number().int().min(1).max(500).default(1),
  concurrency: z.number().int().min(1).max(200).default(4),
  /** The simulated caller's model; default the agent's. */
  callerLlm: LlmSettings.optional(),
  /** The judge's model; default the agent's. */
  judgeLlm: LlmSettings.optional(),
});
export type SimulationConfig = z.infer<typeof SimulationConfig>;
export type SimulationConfigInput = z.input<typeof SimulationConfig>;
