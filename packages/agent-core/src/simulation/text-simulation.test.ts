import { initializeLogger } from '@livekit/agents';
import { ScriptedLLM } from '@voxie/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { AgentDefinition, type AgentDefinitionInput } from '../agent-definition.js';
import { ProviderRegistry } from '../providers/provider-registry.js';
import { startToolServer } from '../test-tool-server.js';
import { Persona, Scenario, type ScenarioInput } from './schemas.js';
import { runTextSimulation, type SimulationItem } from './text-simulation.js';

const registry = new ProviderRegistry({});
const base: AgentDefinitionInput = {
  schemaVersion: 1,
  name: 'Support',
  instructions: 'You are the support agent of Acme.',
  greeting: { mode: 'wait' },
  llm: { provider: 'openai', model: 'gpt-4.1-mini' },
  stt: { provider: 'deepgram', model: 'nova-3' },
  tts: { provider: 'cartesia', voice: 'v' },
};
const persona = Persona.parse({
  name: 'calm-customer',
  displayName: 'Maria',
  background: 'A customer.',
  goal: 'Get help.',
  hiddenFacts: [{ topic: 'account number', fact: 'It is 4471.' }],
});
const scenario = (input: Partial<ScenarioInput> = {}) =>
  Scenario.parse({
    name: 'billing-dispute',
    callerWants: 'A refund.',
    opening: 'I was charged twice.',
    ...input,
  });

function lines(items: readonly SimulationItem[]): string[] {
  return items.map((item) => {
    if (item.type === 'message') return `${item.role}: ${item.content.text}`;
    if (item.type === 'agent_handoff') return `handoff ${item.content.from} -> ${item.content.to}`;
    if (item.type === 'function_call') return `call ${item.content.name} ${item.content.arguments}`;
    return `output ${item.content.name} ${item.content.output}`;
  });
}

describe('runTextSimulation', () => {
  beforeAll(() => initializeLogger({ pretty: false, level: 'silent' }));

  it('plays a complete conversation until the caller ends it, both sides recorded with timing', async () => {
    const caller = new ScriptedLLM([
      { when: { userText: 'Sorry about that. What is your account number?' }, text: 'It is 4471.' },
      { when: { userText: 'Refund issued.' }, text: 'Great, thanks, bye [END]' },
    ]);
    const agent = new ScriptedLLM([
      {
        when: { userText: 'I was charged twice.' },
        text: 'Sorry about that. What is your account number?',
      },
      { when: { userText: 'It is 4471.' }, text: 'Refund issued.' },
    ]);
    const result = await runTextSimulation({
      definition: AgentDefinition.parse(base),
      scenario: scenario(),
      persona,
      registry,
      callerLlm: caller,
      agentLlm: agent,
    });
    expect(result.endReason).toBe('end_condition');
    expect(result.endDetail).toBe('caller_says:[END]');
    expect(result.turns).toBe(2);
    expect(lines(result.transcripts.agent)).toEqual([
      'handoff null -> default_agent',
      'user: I was charged twice.',
      'assistant: Sorry about that. What is your account number?',
      'user: It is 4471.',
      'assistant: Refund issued.',
    ]);
    expect(lines(result.transcripts.caller).filter((l) => !l.startsWith('handoff'))).toEqual([
      'assistant: I was charged twice.',
      'user: Sorry about that. What is your account number?',
      'assistant: It is 4471.',
      'user: Refund issued.',
      'assistant: Great, thanks, bye [END]',
    ]);
    expect(caller.lastRequest.instructions).toContain('account number: It is 4471.');
    expect(result.turnTimings.map((t) => t.agentText)).toEqual([
      'Sorry about that. What is your account number?',
      'Refund issued.',
    ]);
    const times = result.transcripts.agent.map((i) => i.atMs);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    caller.assertScriptConsumed();
    agent.assertScriptConsumed();
  });

  const run = (
    definition: AgentDefinitionInput,
    scenarioInput: Partial<ScenarioInput>,
    caller: ScriptedLLM,
    agent: ScriptedLLM,
  ) =>
    runTextSimulation({
      definition: AgentDefinition.parse(definition),
      scenario: scenario(scenarioInput),
      persona,
      registry,
      callerLlm: caller,
      agentLlm: agent,
    });

  it('stops at max turns', async () => {
    const caller = new ScriptedLLM([{ text: 'Still there?', times: Number.POSITIVE_INFINITY }]);
    const agent = new ScriptedLLM([{ text: 'Yes.', times: Number.POSITIVE_INFINITY }]);
    const result = await run(base, { maxTurns: 3 }, caller, agent);
    expect(result.endReason).toBe('max_turns');
    expect(result.turns).toBe(3);
    expect(agent.requestCount).toBe(3);
    // The caller does not answer the last reply of the last turn.
    expect(caller.requestCount).toBe(2);
  });

  it('stops at the time limit', async () => {
    const caller = new ScriptedLLM([{ text: 'Hello?', times: Number.POSITIVE_INFINITY }]);
    const agent = new ScriptedLLM([
      { text: 'One moment.', delayMs: 10, times: 2 },
      { text: 'Slow answer.', delayMs: 5_000 },
    ]);
    const result = await run(base, { timeLimitSeconds: 1, maxTurns: 50 }, caller, agent);
    expect(result.endReason).toBe('time_limit');
    expect(result.turns).toBe(2);
    expect(result.durationMs).toBeGreaterThanOrEqual(990);
    expect(result.durationMs).toBeLessThan(3_000);
  });

  it('ends when the agent says a phrase, calls a tool or uses end_call', async () => {
    const says = await run(
      base,
      { endConditions: [{ type: 'agent_says', text: 'ticket created' }] },
      new ScriptedLLM([{ text: 'ok', times: Number.POSITIVE_INFINITY }]),
      new ScriptedLLM([{ text: 'Hmm.' }, { text: 'Your TICKET CREATED, number 5.' }]),
    );
    expect([says.endReason, says.endDetail, says.turns]).toEqual([
      'end_condition',
      'agent_says:ticket created',
      2,
    ]);

    const withTools: AgentDefinitionInput = {
      ...base,
      tools: [
        {
          type: 'http',
          name: 'create_ticket',
          description: 'Create a ticket.',
          url: 'http://127.0.0.1:9/tickets',
        },
        { type: 'end_call' },
      ],
    };
    const tool = await run(
      withTools,
      {
        endConditions: [{ type: 'tool_called', tool: 'create_ticket' }],
        fixtures: [{ tool: 'create_ticket', output: { id: 5 } }],
      },
      new ScriptedLLM([{ text: 'ok', times: Number.POSITIVE_INFINITY }]),
      new ScriptedLLM([
        { toolCalls: [{ name: 'create_ticket' }] },
        { when: { toolOutput: /"id":5/ }, text: 'Ticket 5 is open.' },
      ]),
    );
    expect([tool.endReason, tool.endDetail, tool.turns]).toEqual([
      'end_condition',
      'tool_called:create_ticket',
      1,
    ]);
    expect(tool.transcripts.agent.at(-1)?.content.text).toBe('Ticket 5 is open.');

    const hangUp = await run(
      withTools,
      {},
      new ScriptedLLM([{ text: 'Thanks, that is all.', times: Number.POSITIVE_INFINITY }]),
      new ScriptedLLM([
        { when: { userText: 'I was charged twice.' }, text: 'Fixed.' },
        { toolCalls: [{ name: 'end_call' }] },
        { when: { toolOutput: /goodbye/ }, text: 'Goodbye!' },
      ]),
    );
    expect([hangUp.endReason, hangUp.turns]).toEqual(['agent_ended_call', 2]);
    expect(lines(hangUp.transcripts.agent).slice(-3)).toEqual([
      'call end_call {}',
      expect.stringMatching(/^output end_call .*goodbye/),
      'assistant: Goodbye!',
    ]);
  });

  it('answers tools from fixtures by arguments, errors included, and never calls the service', async () => {
    const definition: AgentDefinitionInput = {
      ...base,
      tools: [
        {
          type: 'http',
          name: 'lookup_invoice',
          description: 'Look up an invoice.',
          // Nothing listens here: a live call would fail.
          url: 'http://127.0.0.1:9/invoices/{invoiceId}',
          parameters: {
            type: 'object',
            properties: { invoiceId: { type: 'string' } },
            required: ['invoiceId'],
          },
        },
      ],
    };
    const agent = new ScriptedLLM([
      { toolCalls: [{ name: 'lookup_invoice', args: { invoiceId: 'A1' } }] },
      { when: { toolOutput: /charged twice/ }, text: 'I see the double charge.' },
      { toolCalls: [{ name: 'lookup_invoice', args: { invoiceId: 'ZZ' } }] },
      { when: { toolOutput: /unknown invoice/ }, text: 'That invoice does not exist.' },
    ]);
    const caller = new ScriptedLLM([{ text: 'And invoice ZZ?' }, { text: 'Bye [END]' }]);
    const result = await run(
      definition,
      {
        fixtures: [
          {
            tool: 'lookup_invoice',
            whenArguments: { invoiceId: 'A1' },
            output: { status: 'charged twice', amount: 42 },
          },
          { tool: 'lookup_invoice', error: 'unknown invoice' },
        ],
      },
      caller,
      agent,
    );
    expect(result.endReason).toBe('end_condition');
    const outputs = result.transcripts.agent.filter((i) => i.type === 'function_call_output');
    expect(outputs.map((o) => [o.content.output, o.content.isError])).toEqual([
      [JSON.stringify({ status: 'charged twice', amount: 42 }), false],
      ['unknown invoice', true],
    ]);
    agent.assertScriptConsumed();
  });

  it('runs tools without a fixture live, next to fixture tools', async () => {
    const server = await startToolServer({
      '/orders/': (request) => ({
        json: { order: request.path.split('/').at(-1), status: 'shipped' },
      }),
    });
    try {
      const definition: AgentDefinitionInput = {
        ...base,
        tools: [
          {
            type: 'http',
            name: 'order_status',
            description: 'Order status.',
            method: 'GET',
            url: `${server.url}/orders/{orderId}`,
            parameters: { type: 'object', properties: { orderId: { type: 'string' } } },
          },
          {
            type: 'http',
            name: 'refund',
            description: 'Refund.',
            url: `${server.url}/refunds`,
          },
        ],
      };
      const agent = new ScriptedLLM([
        {
          toolCalls: [
            { name: 'order_status', args: { orderId: 'A7' } },
            { name: 'refund', args: {} },
          ],
        },
        { text: 'Shipped, and refunded.' },
      ]);
      const result = await run(
        definition,
        { fixtures: [{ tool: 'refund', output: 'refund queued' }] },
        new ScriptedLLM([{ text: 'Bye [END]' }]),
        agent,
      );
      expect([result.endReason, result.endDetail]).toEqual(['end_condition', 'caller_says:[END]']);
      // Only the live tool reached the service.
      expect(server.received.map((r) => r.path)).toEqual(['/orders/A7']);
      const outputs = result.transcripts.agent.filter((i) => i.type === 'function_call_output');
      // Outputs arrive in completion order; the framework JSON-encodes tool results.
      expect(Object.fromEntries(outputs.map((o) => [o.content.name, o.content.output]))).toEqual({
        order_status: JSON.stringify({ order: 'A7', status: 'shipped' }),
        refund: JSON.stringify('refund queued'),
      });
    } finally {
      await server.close();
    }
  });

  it('shows a workflow handoff in the middle of the conversation', async () => {
    const definition: AgentDefinitionInput = {
      ...base,
      greeting: { mode: 'say', text: 'Acme support, how can I help?' },
      workflow: {
        entry: 'greeter',
        nodes: [
          { id: 'greeter', instructions: 'Greet and route.', onEnter: { action: 'wait' } },
          { id: 'billing', instructions: 'You handle billing.' },
        ],
        edges: [
          {
            type: 'transfer',
            from: 'greeter',
            to: 'billing',
            tool: 'transfer_to_billing',
            description: 'Billing questions.',
            context: { policy: 'full' },
          },
        ],
      },
    };
    const agent = new ScriptedLLM([
      { when: { userText: 'My bill is wrong.' }, toolCalls: [{ name: 'transfer_to_billing' }] },
      { when: { instructions: 'You handle billing.' }, text: 'Billing here. Refund done.' },
    ]);
    const caller = new ScriptedLLM([
      { when: { userText: 'Acme support, how can I help?' }, text: 'My bill is wrong.' },
      { when: { userText: 'Billing here. Refund done.' }, text: 'Thanks [END]' },
    ]);
    const result = await run(definition, {}, caller, agent);
    expect(result.endReason).toBe('end_condition');
    expect(lines(result.transcripts.agent)).toEqual([
      'handoff null -> greeter',
      'assistant: Acme support, how can I help?',
      'user: My bill is wrong.',
      'call transfer_to_billing {}',
      expect.stringMatching(/^output transfer_to_billing/),
      'handoff greeter -> billing',
      'assistant: Billing here. Refund done.',
    ]);
    expect(
      result.transcripts.agent.find((i) => i.type === 'agent_handoff' && i.content.from)?.turn,
    ).toBe(1);
    expect(result.agentInstructions).toBe('Greet and route.');
    agent.assertScriptConsumed();
    caller.assertScriptConsumed();

    // The same handoff as an end condition ends the run right after it.
    const ended = await run(
      definition,
      { endConditions: [{ type: 'handoff', to: 'billing' }] },
      new ScriptedLLM([{ text: 'My bill is wrong.' }]),
      new ScriptedLLM([
        { toolCalls: [{ name: 'transfer_to_billing' }] },
        { text: 'Billing here.' },
      ]),
    );
    expect([ended.endReason, ended.endDetail, ended.turns]).toEqual([
      'end_condition',
      'handoff:billing',
      1,
    ]);
  });
});
