import { randomUUID } from 'node:crypto';
import { initializeLogger } from '@livekit/agents';
import {
  AgentRepository,
  type Database,
  SessionRecordingRepository,
  TranscriptRepository,
} from '@voxie/db';
import { openTestDatabase } from '@voxie/db/testing';
import type { HandoffEvent } from '@voxie/handoff';
import { ScriptedLLM } from '@voxie/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentDefinition, type AgentDefinitionInput } from './agent-definition.js';
import { buildAgent } from './agent-factory.js';
import { createDatabaseSink } from './database-sink.js';
import { ProviderRegistry } from './providers/provider-registry.js';
import { SessionRecorder } from './session-recorder.js';

const base = {
  schemaVersion: 1,
  name: 'Support line',
  instructions: 'Unused when a workflow is present.',
  greeting: { mode: 'wait' },
  llm: { provider: 'openai', model: 'gpt-4.1-mini' },
  stt: { provider: 'deepgram', model: 'nova-3' },
  tts: { provider: 'cartesia', voice: 'v' },
} as const;

const workflow = {
  entry: 'greeter',
  userdata: { type: 'object', properties: { accountId: { type: 'string' } } },
  nodes: [
    { id: 'greeter', instructions: 'Greet and route.', onEnter: { action: 'wait' as const } },
    {
      id: 'billing',
      instructions: 'Billing for account {{userdata.accountId}}.',
      tools: ['end_call'],
    },
  ],
  edges: [
    {
      type: 'transfer' as const,
      from: 'greeter',
      to: 'billing',
      tool: 'transfer_to_billing',
      description: 'Billing questions.',
      arguments: {
        type: 'object',
        properties: { accountId: { type: 'string' } },
        required: ['accountId'],
      },
      context: { policy: 'full' as const },
    },
  ],
};

describe('a stored definition with a workflow', () => {
  let db: { database: Database; cleanup(): Promise<void> };
  const owner = randomUUID();

  beforeAll(async () => {
    initializeLogger({ pretty: false, level: 'silent' });
    db = await openTestDatabase('agent_core_workflow');
  });
  afterAll(() => db?.cleanup());

  it('validates the workflow against the definition (tools, node models)', () => {
    const result = AgentDefinition.safeParse({
      ...base,
      workflow: {
        ...workflow,
        nodes: [
          workflow.nodes[0],
          { ...workflow.nodes[1], tools: ['refund'], llm: { provider: 'mystery', model: 'x' } },
        ],
      },
    });
    const messages = result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^workflow\.nodes\.1\.tools.*refund/),
        expect.stringMatching(/^workflow\.nodes\.1\.llm\.provider: node "billing": llm /),
      ]),
    );
  });

  it('runs the entry agent, hands off with validated arguments and records the handoff', async () => {
    const input: AgentDefinitionInput = { ...base, tools: [{ type: 'end_call' }], workflow };
    const agents = new AgentRepository(db.database.db);
    const stored = await agents.create({ ownerId: owner, name: 'Support line', draft: input });
    await agents.publish(owner, stored.id);
    const published = await agents.findPublishedForWorker(stored.id);
    const definition = AgentDefinition.parse(published?.version.definition);

    const model = new ScriptedLLM([
      {
        when: { userText: 'My bill is wrong, account 77' },
        toolCalls: [{ name: 'transfer_to_billing', args: { accountId: '77' } }],
      },
      { when: { instructions: 'Billing for account 77.' }, text: 'Billing here, let me look.' },
    ]);
    const built = buildAgent(definition, {
      registry: new ProviderRegistry({}),
      mode: 'text',
      llm: model,
    });
    expect(built.workflow?.currentNode).toBe('greeter');
    const handoffs: HandoffEvent[] = [];
    built.workflow?.events.on('handoff', (event) => handoffs.push(event));

    const row = await new SessionRecordingRepository(db.database.db).start({
      ownerId: owner,
      kind: 'agent',
      roomName: `wf-${randomUUID()}`,
      agentId: stored.id,
    });
    const session = built.createSession();
    const recorder = new SessionRecorder({
      sessionId: row.id,
      sink: createDatabaseSink(db.database),
    }).attach(session);
    await session.start({ agent: built.agent });
    await session.run({ userInput: 'My bill is wrong, account 77' }).wait();
    await session.close();
    await recorder.finish({ endReason: 'test_done' });
    model.assertScriptConsumed();

    expect(handoffs.map((h) => [h.from, h.to, h.arguments])).toEqual([
      ['greeter', 'billing', { accountId: '77' }],
    ]);
    expect(built.workflow?.userdata).toEqual({ accountId: '77' });
    // The billing agent saw the whole conversation so far (context policy "full").
    expect(model.lastRequest.conversation).toEqual([
      { role: 'user', text: 'My bill is wrong, account 77' },
    ]);
    expect(model.lastRequest.tools.map((t) => t.name)).toContain('end_call');

    const transcript = await new TranscriptRepository(db.database.db).list(owner, row.id);
    const summary = transcript.map((item) => {
      const content = item.content as Record<string, unknown>;
      if (item.type === 'message') return `${item.role}: ${content.text}`;
      if (item.type === 'agent_handoff') return `handoff ${content.from} -> ${content.to}`;
      return `${item.type} ${content.name}`;
    });
    expect(summary).toEqual([
      'handoff null -> greeter',
      'user: My bill is wrong, account 77',
      'function_call transfer_to_billing',
      'function_call_output transfer_to_billing',
      'handoff greeter -> billing',
      'assistant: Billing here, let me look.',
    ]);
  });
});
