import { type llm, voice } from '@livekit/agents';
import {
  type CreateWorkflowOptions,
  createWorkflow,
  type EscalationEvent,
  type HandoffEvent,
  type TransferRejectedEvent,
  type Workflow,
} from './runtime.js';

export interface WorkflowTestSessionOptions extends CreateWorkflowOptions {
  /** The session's LLM (e.g. the testkit's `ScriptedLLM`); nodes may still override it. */
  llm: llm.LLM;
  /**
   * Wait for the entry agent's `onEnter` speech (its greeting) before returning. Default true;
   * ignored when the entry node waits for the user.
   */
  waitForGreeting?: boolean;
  /** Max wait for the greeting, in ms. Default 5000. */
  timeoutMs?: number;
}

/** A text-only session running a workflow, with everything a test asserts on. */
export interface WorkflowTestSession {
  session: voice.AgentSession<Record<string, unknown>>;
  workflow: Workflow;
  /** Completed handoffs, in order. */
  handoffs: HandoffEvent[];
  /** Transfers the workflow refused (the LLM got a tool error), in order. */
  rejections: TransferRejectedEvent[];
  escalations: EscalationEvent[];
  /** Sends a user message and waits until every agent involved has finished answering. */
  send(text: string): Promise<voice.testing.RunResult>;
  /** What was said, in order: `user: ...`, `<node>: ...`, and `-> <node>` for each handoff. */
  transcript(): string[];
  close(): Promise<void>;
}

/**
 * Runs a workflow in a text-only `voice.AgentSession` (no room, no audio): a workflow test is
 * a script, a few `send` calls and assertions.
 *
 * @example
 * ```ts
 * const model = new ScriptedLLM([
 *   { when: { instructions: 'Greet' }, text: 'Hi! Who am I talking to?' },
 *   { when: { userText: 'Ada' }, toolCalls: [{ name: 'transfer_to_triage', args: { customer_name: 'Ada' } }] },
 *   { when: { instructions: 'triage' }, text: 'What is the problem, Ada?' },
 * ]);
 * const t = await startWorkflowTestSession(customerSupportTemplate, { llm: model });
 * await t.send('I am Ada');
 * expect(t.handoffs.map((h) => h.to)).toEqual(['triage']);
 * await t.close();
 * ```
 */
export async function startWorkflowTestSession(
  definition: unknown,
  options: WorkflowTestSessionOptions,
): Promise<WorkflowTestSession> {
  const { llm: model, waitForGreeting = true, timeoutMs = 5_000, ...workflowOptions } = options;
  const workflow = createWorkflow(definition, workflowOptions);
  const handoffs: HandoffEvent[] = [];
  const rejections: TransferRejectedEvent[] = [];
  const escalations: EscalationEvent[] = [];
  workflow.events.on('handoff', (event) => handoffs.push(event));
  workflow.events.on('transfer_rejected', (event) => rejections.push(event));
  workflow.events.on('escalation', (event) => escalations.push(event));

  const session = new voice.AgentSession<Record<string, unknown>>({
    llm: model,
    vad: null,
    turnHandling: { turnDetection: null },
    userData: workflow.userdata,
  });

  const entry = workflow.definition.nodes.find((node) => node.id === workflow.definition.entry);
  const greets = waitForGreeting && entry !== undefined && entry.onEnter.action !== 'wait';
  const greeting = greets ? nextAssistantMessage(session, timeoutMs) : Promise.resolve();
  await session.start({ agent: workflow.entryAgent });
  await greeting;

  return {
    session,
    workflow,
    handoffs,
    rejections,
    escalations,
    send: (text) => session.run({ userInput: text }).wait(),
    transcript: () => transcriptOf(session.history),
    close: () => session.close(),
  };
}

function nextAssistantMessage(session: voice.AgentSession, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      session.off(voice.AgentSessionEventTypes.ConversationItemAdded, onItem);
      reject(new Error(`the entry agent said nothing within ${timeoutMs} ms`));
    }, timeoutMs);
    const onItem = (event: voice.ConversationItemAddedEvent) => {
      if (event.item.type !== 'message' || event.item.role !== 'assistant') return;
      clearTimeout(timer);
      session.off(voice.AgentSessionEventTypes.ConversationItemAdded, onItem);
      resolve();
    };
    session.on(voice.AgentSessionEventTypes.ConversationItemAdded, onItem);
  });
}

function transcriptOf(history: llm.ChatContext): string[] {
  let agent = '';
  const lines: string[] = [];
  for (const item of history.items) {
    if (item.type === 'agent_handoff') {
      agent = item.newAgentId;
      if (item.oldAgentId !== undefined) lines.push(`-> ${agent}`);
    } else if (item.type === 'message' && (item.role === 'user' || item.role === 'assistant')) {
      lines.push(`${item.role === 'user' ? 'user' : agent}: ${item.textContent ?? ''}`);
    }
  }
  return lines;
}
