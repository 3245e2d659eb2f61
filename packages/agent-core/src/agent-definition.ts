import { validateWorkflow, WorkflowDefinition } from '@voxie/handoff';
import { z } from 'zod';
import { SecretName, ToolDefinition } from './tools/tool-definition.js';

/**
 * What a stored agent is: everything the spawner needs to build and run it. Stored as JSON in
 * `agents.draft` and, once published, in immutable `agent_versions.definition` rows.
 *
 * `schemaVersion` changes only when stored definitions need converting; fields added later are
 * optional so older rows stay valid.
 */

export const LlmSettings = z.object({
  /** `openai` covers any OpenAI-compatible server through `baseURL` (Ollama, vLLM, Groq...). */
  provider: z.enum(['openai', 'livekit']),
  model: z.string().min(1),
  temperature: z.number().min(0).max(2).optional(),
  baseURL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Name of the deployment secret holding the API key for `baseURL` (e.g. `groq_key`). The
   * deployment's own OPENAI_API_KEY is only ever sent to its own OpenAI endpoint, never to a
   * server a definition names.
   */
  apiKeySecret: SecretName.optional(),
});
export type LlmSettings = z.infer<typeof LlmSettings>;

export const SttSettings = z.object({
  provider: z.enum(['deepgram', 'openai', 'livekit']),
  model: z.string().min(1),
  language: z.string().min(2).max(35).optional(),
});
export type SttSettings = z.infer<typeof SttSettings>;

export const TtsSettings = z.object({
  provider: z.enum(['cartesia', 'elevenlabs', 'openai', 'livekit']),
  voice: z.string().min(1),
  model: z.string().min(1).optional(),
});
export type TtsSettings = z.infer<typeof TtsSettings>;

/** How the conversation opens: say a fixed line, let the LLM greet, or wait for the caller. */
export const Greeting = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('say'), text: z.string().min(1).max(1000) }),
  z.object({ mode: z.literal('generate'), instructions: z.string().min(1).max(2000) }),
  z.object({ mode: z.literal('wait') }),
]);
export type Greeting = z.infer<typeof Greeting>;

export const TurnHandling = z.object({
  /** Voice activity detection (Silero) for turn boundaries. */
  vad: z.boolean().default(true),
  /** Local end-of-turn model on top of VAD. */
  turnDetector: z.boolean().default(true),
  minEndpointingDelayMs: z.number().int().min(0).max(10_000).default(500),
  maxEndpointingDelayMs: z.number().int().min(0).max(30_000).default(6_000),
  allowInterruptions: z.boolean().default(true),
});
export type TurnHandling = z.infer<typeof TurnHandling>;

/** What happens with a conversation once it is over. */
export const PostSession = z.object({
  /** Store every conversation item in `transcript_items`. */
  recordTranscript: z.boolean().default(true),
  /** Store usage and latency metrics on the session row. */
  recordMetrics: z.boolean().default(true),
});
export type PostSession = z.infer<typeof PostSession>;

const NODE_MODEL_SETTINGS = { llm: LlmSettings, stt: SttSettings, tts: TtsSettings } as const;

/** Workflow checks that need the whole definition: tool names, node model settings. */
function checkWorkflow(
  workflow: WorkflowDefinition,
  toolNames: readonly string[],
  ctx: z.RefinementCtx,
): void {
  const result = validateWorkflow(workflow, { availableTools: toolNames });
  if (!result.ok) {
    for (const issue of result.issues) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: ['workflow', ...issue.path] });
    }
  }
  workflow.nodes.forEach((node, index) => {
    for (const [kind, schema] of Object.entries(NODE_MODEL_SETTINGS)) {
      const value = node[kind as keyof typeof NODE_MODEL_SETTINGS];
      if (value === undefined) continue;
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          ctx.addIssue({
            code: 'custom',
            message: `node "${node.id}": ${kind} ${issue.message}`,
            path: ['workflow', 'nodes', index, kind, ...issue.path.map(String)],
          });
        }
      }
    }
  });
}

export const AgentDefinition = z
  .object({
    schemaVersion: z.literal(1),
    name: z.string().trim().min(1).max(100),
    description: z.string().max(1000).default(''),
    instructions: z.string().trim().min(1).max(50_000),
    greeting: Greeting,
    /** BCP 47 tag, e.g. `en` or `pt-BR`. */
    language: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, {
        message: 'must be a language tag like en or pt-BR',
      })
      .default('en'),
    llm: LlmSettings,
    stt: SttSettings,
    tts: TtsSettings,
    turnHandling: TurnHandling.prefault({}),
    /** HTTP tools and built-ins (`end_call`); names must be unique. */
    tools: z.array(ToolDefinition).max(64).default([]),
    postSession: PostSession.prefault({}),
    /**
     * Multi-agent workflow (see @voxie/handoff). When present its entry node's agent runs instead
     * of a single agent built from `instructions`; nodes use the tools above by name and may
     * override `llm`/`stt`/`tts` with the same settings as this definition.
     */
    workflow: WorkflowDefinition.optional(),
  })
  .superRefine((d, ctx) => {
    const seen = new Set<string>();
    d.tools.forEach((tool, index) => {
      if (seen.has(tool.name)) {
        ctx.addIssue({
          code: 'custom',
          message: `duplicate tool name "${tool.name}"`,
          path: ['tools', index, 'name'],
        });
      }
      seen.add(tool.name);
    });
    if (d.workflow) checkWorkflow(d.workflow, [...seen], ctx);
  })
  .refine((d) => d.turnHandling.minEndpointingDelayMs <= d.turnHandling.maxEndpointingDelayMs, {
    message: 'minEndpointingDelayMs must not exceed maxEndpointingDelayMs',
    path: ['turnHandling', 'minEndpointingDelayMs'],
  });
export type AgentDefinition = z.infer<typeof AgentDefinition>;
/** A definition as written by a person or API client, before defaults are filled in. */
export type AgentDefinitionInput = z.input<typeof AgentDefinition>;
