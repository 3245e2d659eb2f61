import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { llm, type stt, type tts, voice } from '@livekit/agents';
import type { z } from 'zod';
import { carryContext, createLLMSummarizer, type Summarizer } from './context.js';
import type {
  ContextPolicy,
  WorkflowDefinition,
  WorkflowEdge,
  WorkflowNode,
} from './definition.js';
import { type WorkflowIssue, WorkflowValidationError } from './errors.js';
import { compileObjectSchema, describeIssues } from './json-schema.js';
import { parseWorkflow } from './validate.js';

/** Any function tool, whatever its argument and result types. */
export type AnyFunctionTool = Extract<llm.ToolContextEntry, { type: 'function' }>;

/** Shared userdata: a plain JSON object every agent of the workflow reads and fills. */
export type WorkflowUserdata = Record<string, unknown>;

/** Emitted when the next agent is active (the handoff completed). */
export interface HandoffEvent {
  from: string;
  to: string;
  /** The tool the LLM called and whether it was a transfer or a return. */
  tool: string;
  edgeType: 'transfer' | 'return';
  /** The `reason` argument when the edge collects one, otherwise the edge's description. */
  reason: string;
  /** The validated arguments (already merged into the userdata). */
  arguments: Record<string, unknown>;
  context: ContextPolicy;
  /** Number of chat items the next agent received. */
  carriedItems: number;
  /** From the transfer tool starting to the next agent being active, in ms. */
  latencyMs: number;
  /** Epoch ms. */
  at: number;
  /** Snapshot of the userdata after the merge. */
  userdata: WorkflowUserdata;
}

/** Emitted when the LLM asked for a transfer that was refused; the LLM got `message` as a tool error. */
export interface TransferRejectedEvent {
  from: string;
  tool: string;
  edgeType: 'transfer' | 'return';
  code:
    | 'invalid_arguments'
    | 'invalid_userdata'
    | 'no_previous_agent'
    | 'context_failed'
    | 'handoff_already_requested';
  message: string;
  arguments: unknown;
  at: number;
}

/** Emitted when an escalation node becomes active: the app brings in a human (SIP transfer, ...). */
export interface EscalationEvent {
  node: string;
  from: string;
  reason: string;
  arguments: Record<string, unknown>;
  /** Everything collected so far. */
  userdata: WorkflowUserdata;
  at: number;
}

export interface WorkflowEvents {
  handoff: [HandoffEvent];
  transfer_rejected: [TransferRejectedEvent];
  escalation: [EscalationEvent];
}

/** Models a node overrides; anything left out comes from the session. */
export interface ResolvedModels {
  llm?: llm.LLM;
  tts?: tts.TTS;
  stt?: stt.STT;
}

export interface CreateWorkflowOptions {
  /** App tools nodes refer to by name (`node.tools`). */
  tools?: readonly AnyFunctionTool[];
  /** Extra tools for a node, decided by the app at agent creation. */
  toolsFor?: (node: WorkflowNode) => readonly AnyFunctionTool[];
  /**
   * Turns a node's opaque `llm`/`tts`/`stt` values into models. Required when any node sets one.
   */
  resolveModels?: (node: WorkflowNode) => ResolvedModels;
  /**
   * Writes summaries for `summary` edges: a function, or an LLM to ask. Default: the current
   * agent's LLM, else the session's.
   */
  summarizer?: Summarizer | llm.LLM;
  /** Initial userdata (merged over nothing; must match the userdata schema). */
  userdata?: WorkflowUserdata;
}

/** A running instance of a workflow: one per session. */
export interface Workflow {
  readonly definition: WorkflowDefinition;
  /** Start the session with this agent: `session.start({ agent: workflow.entryAgent })`. */
  readonly entryAgent: voice.Agent<WorkflowUserdata>;
  /** The shared userdata; pass it as the session's `userData` so app tools see it too. */
  readonly userdata: WorkflowUserdata;
  readonly events: EventEmitter<WorkflowEvents>;
  /** Id of the node whose agent is active. */
  readonly currentNode: string;
  /** Nodes a `return` edge would go back to, most recent last. */
  readonly returnStack: readonly string[];
}

interface PendingEntry {
  from: string;
  edge: WorkflowEdge;
  arguments: Record<string, unknown>;
  reason: string;
  startedAt: number;
  userdata: WorkflowUserdata;
  stack: string[];
  carriedItems: number;
}

/**
 * Builds the agents of a workflow for one session. Validates the definition first (throws a
 * `WorkflowValidationError` naming every faulty node/edge, including app tools that are not
 * provided and model overrides without `resolveModels`).
 *
 * Each node becomes a `voice.Agent` (id = node id) whose LLM is offered the node's app tools and
 * one generated tool per outgoing edge. A generated tool validates its arguments against the
 * edge's schema (a violation returns a tool error the LLM sees and emits `transfer_rejected`),
 * merges them into the userdata, builds the next agent's context per the edge's policy and
 * returns `llm.handoff(...)`. When the next agent is active, `handoff` (and for escalation nodes
 * `escalation`) is emitted, then the agent says the edge's transition line and runs its `onEnter`.
 */
export function createWorkflow(input: unknown, options: CreateWorkflowOptions = {}): Workflow {
  const toolsByName = new Map((options.tools ?? []).map((tool) => [tool.name, tool]));
  const definition = parseWorkflow(input, { availableTools: [...toolsByName.keys()] });
  const missingResolver: WorkflowIssue[] = options.resolveModels
    ? []
    : definition.nodes.flatMap((node, index) =>
        (['llm', 'tts', 'stt'] as const)
          .filter((kind) => node[kind] !== undefined)
          .map((kind) => ({
            code: 'missing_model_resolver' as const,
            message: `node "${node.id}": sets "${kind}" but no resolveModels option was given`,
            node: node.id,
            path: ['nodes', index, kind],
          })),
      );
  if (missingResolver.length > 0) throw new WorkflowValidationError(missingResolver);

  const nodes = new Map(definition.nodes.map((node) => [node.id, node]));
  const validators = new Map<WorkflowEdge, z.ZodType>();
  for (const edge of definition.edges) {
    if (!edge.arguments) continue;
    const compiled = compileObjectSchema(edge.arguments);
    if (compiled.ok) validators.set(edge, compiled.validator);
  }
  const userdataSchema = definition.userdata
    ? compileObjectSchema(definition.userdata, { allOptional: true })
    : undefined;
  const userdataValidator = userdataSchema?.ok ? userdataSchema.validator : undefined;

  const userdata: WorkflowUserdata = { ...(options.userdata ?? {}) };
  if (userdataValidator) {
    const checked = userdataValidator.safeParse(userdata);
    if (!checked.success) {
      throw new WorkflowValidationError([
        {
          code: 'invalid_userdata_schema',
          message: `initial userdata does not match the userdata schema: ${describeIssues(checked.error)}`,
          path: ['userdata'],
        },
      ]);
    }
  }

  const events = new EventEmitter<WorkflowEvents>();
  const state = { current: definition.entry, stack: [] as string[] };
  // at most one handoff per LLM turn: the framework ignores the switch when a batch holds two
  const handoffBySpeech = new Map<string, string>();

  const summarizerFor = (
    agent: voice.Agent,
    session: voice.AgentSession,
  ): Summarizer | undefined => {
    const configured = options.summarizer;
    if (typeof configured === 'function') return configured;
    if (configured) return createLLMSummarizer(configured);
    const model = agent.llm ?? session.llm;
    return model instanceof llm.LLM ? createLLMSummarizer(model) : undefined;
  };

  const reject = (event: Omit<TransferRejectedEvent, 'at'>): llm.ToolError => {
    events.emit('transfer_rejected', { ...event, at: Date.now() });
    return new llm.ToolError(event.message);
  };

  const transferTool = (edge: WorkflowEdge): llm.FunctionTool => {
    const validator = validators.get(edge);
    return llm.tool({
      name: edge.tool,
      description: edge.description,
      parameters: (edge.arguments ?? { type: 'object', properties: {} }) as Record<string, never>,
      execute: async (rawArgs: unknown, { ctx }: llm.ToolOptions<unknown>) => {
        const startedAt = performance.now();
        const base = { from: edge.from, tool: edge.tool, edgeType: edge.type, arguments: rawArgs };

        const speechId = ctx.speechHandle.id;
        const already = handoffBySpeech.get(speechId);
        if (already !== undefined) {
          throw reject({
            ...base,
            code: 'handoff_already_requested',
            message: `Only one transfer per turn: "${already}" was already requested. Do not call "${edge.tool}" now.`,
          });
        }

        let args: Record<string, unknown> = {};
        if (validator) {
          const parsed = validator.safeParse(rawArgs ?? {});
          if (!parsed.success) {
            throw reject({
              ...base,
              code: 'invalid_arguments',
              message: `Invalid arguments for ${edge.tool}: ${describeIssues(parsed.error)}. Ask the user for the missing or wrong values, then call ${edge.tool} again.`,
            });
          }
          args = parsed.data as Record<string, unknown>;
        }

        let target: string;
        let stack: string[];
        if (edge.type === 'transfer') {
          target = edge.to;
          stack = [...state.stack, edge.from];
        } else {
          const previous = state.stack.at(-1);
          if (previous === undefined) {
            throw reject({
              ...base,
              code: 'no_previous_agent',
              message: `There is no previous agent to return to; do not call ${edge.tool}.`,
            });
          }
          target = previous;
          stack = state.stack.slice(0, -1);
        }

        const merged = { ...userdata, ...args };
        if (userdataValidator) {
          const checked = userdataValidator.safeParse(merged);
          if (!checked.success) {
            throw reject({
              ...base,
              code: 'invalid_userdata',
              message: `Invalid arguments for ${edge.tool}: ${describeIssues(checked.error)}.`,
            });
          }
        }

        // claimed before the first await, so a second transfer of the same batch sees it
        handoffBySpeech.set(speechId, edge.tool);
        let chatCtx: llm.ChatContext;
        try {
          chatCtx = await carryContext(edge.context, ctx.session.history, {
            summarizer:
              edge.context.policy === 'summary'
                ? summarizerFor(ctx.session.currentAgent, ctx.session)
                : undefined,
            from: edge.from,
            to: target,
          });
        } catch (error) {
          handoffBySpeech.delete(speechId);
          throw reject({
            ...base,
            code: 'context_failed',
            message: `The transfer could not be prepared (${error instanceof Error ? error.message : String(error)}). Try again.`,
          });
        }

        const reason = typeof args.reason === 'string' ? args.reason : edge.description;
        const entry: PendingEntry = {
          from: edge.from,
          edge,
          arguments: args,
          reason,
          startedAt,
          userdata: merged,
          stack,
          carriedItems: 0,
        };
        const agent = buildAgent(target, chatCtx, entry);
        // counted after the agent dropped tool items of tools it does not have
        entry.carriedItems = agent.chatCtx.items.length;
        await settleSiblingCalls(ctx.speechHandle, ctx.functionCall.callId);
        watchSwitch(ctx.session, agent, ctx.functionCall.callId);
        return llm.handoff({ agent });
      },
    });
  };

  const edgeTools = new Map<string, llm.FunctionTool[]>();
  for (const edge of definition.edges) {
    const list = edgeTools.get(edge.from) ?? [];
    list.push(transferTool(edge));
    edgeTools.set(edge.from, list);
  }

  // Handoffs whose batch has not been summarized yet, see watchSwitch.
  const switchWatchers = new Set<() => void>();
  /**
   * The framework switches to the agent of the LAST tool output of a batch. When a sibling call
   * streamed after this transfer finished later, the framework would drop the handoff without a
   * word; this switches to the agent itself in that case.
   */
  const watchSwitch = (session: voice.AgentSession, agent: voice.Agent, callId: string) => {
    const onExecuted = (event: voice.FunctionToolsExecutedEvent) => {
      const index = event.functionCalls.findIndex((call) => call.callId === callId);
      if (index === -1) return;
      stop();
      if (index !== event.functionCalls.length - 1) session.updateAgent(agent);
    };
    const stop = () => {
      session.off(voice.AgentSessionEventTypes.FunctionToolsExecuted, onExecuted);
      switchWatchers.delete(stop);
    };
    switchWatchers.add(stop);
    session.on(voice.AgentSessionEventTypes.FunctionToolsExecuted, onExecuted);
  };

  const commit = (node: WorkflowNode, entry: PendingEntry | undefined) => {
    state.current = node.id;
    handoffBySpeech.clear();
    for (const stop of [...switchWatchers]) stop();
    if (!entry) return;
    state.stack = entry.stack;
    for (const key of Object.keys(userdata)) {
      if (!(key in entry.userdata)) delete userdata[key];
    }
    Object.assign(userdata, entry.userdata);
    const at = Date.now();
    events.emit('handoff', {
      from: entry.from,
      to: node.id,
      tool: entry.edge.tool,
      edgeType: entry.edge.type,
      reason: entry.reason,
      arguments: entry.arguments,
      context: entry.edge.context,
      carriedItems: entry.carriedItems,
      latencyMs: performance.now() - entry.startedAt,
      at,
      userdata: structuredClone(userdata),
    });
    if (node.kind === 'escalation') {
      events.emit('escalation', {
        node: node.id,
        from: entry.from,
        reason: entry.reason,
        arguments: entry.arguments,
        userdata: structuredClone(userdata),
        at,
      });
    }
  };

  function buildAgent(
    nodeId: string,
    chatCtx: llm.ChatContext | undefined,
    entry: PendingEntry | undefined,
  ): voice.Agent<WorkflowUserdata> {
    const node = nodes.get(nodeId);
    if (!node) throw new Error(`unknown workflow node "${nodeId}"`);
    const models = options.resolveModels?.(node) ?? {};
    const tools = [
      ...node.tools.flatMap((name) => {
        const tool = toolsByName.get(name);
        return tool ? [tool] : [];
      }),
      ...(options.toolsFor?.(node) ?? []),
      ...(edgeTools.get(node.id) ?? []),
    ];
    return new WorkflowAgent({
      id: node.id,
      instructions: renderInstructions(node.instructions, entry?.userdata ?? userdata),
      chatCtx,
      tools,
      ...(models.llm ? { llm: models.llm } : {}),
      ...(models.tts ? { tts: models.tts } : {}),
      ...(models.stt ? { stt: models.stt } : {}),
      enter: async (agent) => {
        commit(node, entry);
        if (entry?.edge.transitionLine) agent.session.say(entry.edge.transitionLine);
        switch (node.onEnter.action) {
          case 'reply':
            agent.session.generateReply();
            break;
          case 'say':
            agent.session.say(node.onEnter.text);
            break;
          case 'wait':
            break;
        }
      },
    });
  }

  const entryAgent = buildAgent(definition.entry, undefined, undefined);
  return {
    definition,
    entryAgent,
    userdata,
    events,
    get currentNode() {
      return state.current;
    },
    get returnStack() {
      return [...state.stack];
    },
  };
}

class WorkflowAgent extends voice.Agent<WorkflowUserdata> {
  readonly #enter: (agent: WorkflowAgent) => Promise<void>;

  constructor(
    options: voice.AgentOptions<WorkflowUserdata> & {
      enter: (agent: WorkflowAgent) => Promise<void>;
    },
  ) {
    const { enter, ...agentOptions } = options;
    super(agentOptions);
    this.#enter = enter;
  }

  override async onEnter(): Promise<void> {
    await this.#enter(this);
  }
}

const SIBLING_POLL_MS = 2;
const SIBLING_WAIT_MAX_MS = 30_000;

/**
 * The framework switches agents only when the handoff is the LAST tool output of a batch to
 * complete (the agent of the last output wins, and "none" wins too), so a transfer waits for the
 * other calls of its batch (e.g. an app tool the LLM called alongside) before handing off.
 */
async function settleSiblingCalls(
  speechHandle: voice.SpeechHandle,
  ownCallId: string,
): Promise<void> {
  // a few microtask turns let the framework start the calls streamed together with this one
  // (a macrotask turn would wait behind timers and I/O: slow under load)
  for (let turn = 0; turn < 16; turn++) await Promise.resolve();
  const deadline = performance.now() + SIBLING_WAIT_MAX_MS;
  for (;;) {
    const items = speechHandle.chatItems;
    const answered = new Set(
      items.flatMap((item) => (item.type === 'function_call_output' ? [item.callId] : [])),
    );
    const pending = items.some(
      (item) =>
        item.type === 'function_call' && item.callId !== ownCallId && !answered.has(item.callId),
    );
    if (!pending || performance.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, SIBLING_POLL_MS));
  }
}

/** Fills `{{userdata.field}}` placeholders; unknown fields read "(unknown)". */
export function renderInstructions(template: string, userdata: WorkflowUserdata): string {
  return template.replace(/\{\{\s*userdata\.([a-zA-Z0-9_]+)\s*\}\}/g, (_match, field: string) => {
    const value = userdata[field];
    if (value === undefined || value === null) return '(unknown)';
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}
