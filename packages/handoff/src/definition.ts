import { z } from 'zod';

/** Node ids double as LiveKit agent ids (they appear as `agent_handoff` items in the history). */
const NodeId = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,63}$/, 'node ids are 1-64 characters: a-z, 0-9, "_" or "-"');

/** Tool names as OpenAI-style providers accept them. */
const ToolName = z
  .string()
  .regex(
    /^[a-zA-Z_][a-zA-Z0-9_-]{0,63}$/,
    'tool names are 1-64 characters: a-z, A-Z, 0-9, "_" or "-"',
  );

/**
 * A JSON Schema (draft 2020-12 subset that zod's `fromJSONSchema` understands). Checked
 * structurally by {@link validateWorkflow}; kept as plain JSON so a definition stays storable.
 */
export const JsonSchema = z.record(z.string(), z.unknown());
export type JsonSchema = z.infer<typeof JsonSchema>;

/**
 * Which part of the conversation the next agent's LLM receives.
 * - `full`: every user and assistant message of the session so far, plus tool calls/results
 *   of tools the next agent also has (the framework drops the others).
 * - `last_n`: the last `n` user/assistant messages, no tool items.
 * - `summary`: one assistant message holding an LLM-written summary of the conversation.
 * - `none`: nothing; the next agent starts from its instructions alone.
 */
export const ContextPolicy = z.discriminatedUnion('policy', [
  z.object({ policy: z.literal('full') }).strict(),
  z.object({ policy: z.literal('last_n'), n: z.number().int().positive() }).strict(),
  z
    .object({
      policy: z.literal('summary'),
      /** System prompt for the summarizer; a default prompt is used when absent. */
      prompt: z.string().min(1).optional(),
    })
    .strict(),
  z.object({ policy: z.literal('none') }).strict(),
]);
export type ContextPolicy = z.infer<typeof ContextPolicy>;

/** What an agent does when it becomes active. */
export const OnEnter = z.discriminatedUnion('action', [
  /** Ask its LLM for a reply at once (default). */
  z.object({ action: z.literal('reply') }).strict(),
  /** Say a fixed line (no LLM call), then wait for the user. */
  z.object({ action: z.literal('say'), text: z.string().min(1) }).strict(),
  /** Wait for the user. */
  z.object({ action: z.literal('wait') }).strict(),
]);
export type OnEnter = z.infer<typeof OnEnter>;

/** One agent of the workflow. */
export const WorkflowNode = z
  .object({
    id: NodeId,
    /** `escalation` nodes hand the caller to a human: entering one emits an `escalation` event. */
    kind: z.enum(['agent', 'escalation']).default('agent'),
    /** Shown to humans (dashboards, transcripts). */
    name: z.string().min(1).optional(),
    /**
     * The agent's instructions. `{{userdata.field}}` placeholders are filled from the shared
     * userdata when the agent is created (at the handoff).
     */
    instructions: z.string().min(1),
    /** Names of app-provided tools (resolved through `createWorkflow` options). */
    tools: z.array(ToolName).default([]),
    /** Opaque model choices the app resolves (e.g. `{ "provider": "openai", "model": "gpt-4o" }`). */
    llm: z.unknown().optional(),
    tts: z.unknown().optional(),
    stt: z.unknown().optional(),
    onEnter: OnEnter.default({ action: 'reply' }),
  })
  .strict();
export type WorkflowNode = z.infer<typeof WorkflowNode>;

const EdgeBase = {
  from: NodeId,
  /** The tool the `from` agent's LLM calls to take this edge. */
  tool: ToolName,
  /** What the LLM sees: when to take this edge. */
  description: z.string().min(1),
  /**
   * JSON Schema (`type: "object"`) of the arguments the LLM must collect. Validated before the
   * handoff; valid arguments are merged into the shared userdata.
   */
  arguments: JsonSchema.optional(),
  context: ContextPolicy.default({ policy: 'full' }),
  /** Said by the next agent as soon as it is active, before its `onEnter` action. */
  transitionLine: z.string().min(1).optional(),
};

/** Hands the conversation to `to`. */
export const TransferEdge = z
  .object({ type: z.literal('transfer'), ...EdgeBase, to: NodeId })
  .strict();
export type TransferEdge = z.infer<typeof TransferEdge>;

/** Hands the conversation back to the agent that transferred to `from`. */
export const ReturnEdge = z.object({ type: z.literal('return'), ...EdgeBase }).strict();
export type ReturnEdge = z.infer<typeof ReturnEdge>;

export const WorkflowEdge = z.discriminatedUnion('type', [TransferEdge, ReturnEdge]);
export type WorkflowEdge = z.infer<typeof WorkflowEdge>;

/**
 * A multi-agent workflow: agents (nodes) and the transfers between them (edges). Pure JSON, so
 * an agent definition can store it. Parse with this schema, then check the graph with
 * {@link validateWorkflow} (or let `createWorkflow` do both).
 */
export const WorkflowDefinition = z
  .object({
    /** Format version of this definition. */
    version: z.literal(1).default(1),
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    entry: z.string().min(1),
    /**
     * JSON Schema (`type: "object"`) of the shared userdata. Transfer arguments are merged into
     * it and the result must still match it (every field is optional until collected).
     */
    userdata: JsonSchema.optional(),
    nodes: z.array(WorkflowNode).min(1),
    edges: z.array(WorkflowEdge).default([]),
  })
  .strict();
export type WorkflowDefinition = z.infer<typeof WorkflowDefinition>;
/** The JSON an author writes (defaults not yet applied). */
export type WorkflowDefinitionInput = z.input<typeof WorkflowDefinition>;

/**
 * JSON Schema (draft 2020-12) of the definition an author writes (defaults optional), e.g. for
 * an LLM tool that drafts workflows or for API docs. The graph checks of `validateWorkflow`
 * (references, reachability, ...) cannot be expressed in it: run them too.
 */
export function workflowDefinitionJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(WorkflowDefinition, { io: 'input' }) as Record<string, unknown>;
}
