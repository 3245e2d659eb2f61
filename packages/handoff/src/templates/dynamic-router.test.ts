import { initializeLogger } from '@livekit/agents';
import { ScriptedLLM } from '@voxie/testkit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { workflowTemplates } from '../templates.js';
import { startWorkflowTestSession, type WorkflowTestSession } from '../testing.js';

beforeAll(() => {
  initializeLogger({ pretty: false, level: 'silent' });
});

const open: WorkflowTestSession[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

const HELLO = 'Hi! What can I help you with today?';

describe('dynamic router template', () => {
  it.each([
    ['route_technical', 'technical', { intent: 'API returns 500', urgency: 'high' }],
    ['route_billing', 'billing', { intent: 'refund for March', urgency: 'low' }],
    ['route_sales', 'sales', { intent: 'pricing for 40 seats' }],
    ['route_general', 'general', { intent: 'office opening hours' }],
  ] as const)(
    '%s hands the caller to %s with the intent in its instructions',
    async (tool, node, args) => {
      const model = new ScriptedLLM([
        { when: { instructions: 'Find out in one or two questions' }, text: HELLO },
        { when: { userText: 'I need help' }, toolCalls: [{ name: tool, args }] },
        { when: { instructions: `The caller wants: ${args.intent}` }, text: `${node} here.` },
      ]);
      const t = await startWorkflowTestSession(workflowTemplates.dynamicRouter, { llm: model });
      open.push(t);

      await t.send('I need help');

      expect(t.workflow.currentNode).toBe(node);
      expect(t.workflow.userdata).toEqual(args);
      expect(model.lastRequest.tools.map((offered) => offered.name)).toEqual(['reroute']);
      // last_n 2 and full give the same two messages here: the router's hello and the request
      expect(model.lastRequest.conversation).toEqual([
        { role: 'assistant', text: HELLO },
        { role: 'user', text: 'I need help' },
      ]);
      expect(t.transcript().at(-1)).toBe(`${node}: ${node} here.`);
      model.assertScriptConsumed();
    },
  );

  it('rejects a route without the urgency the schema requires', async () => {
    const model = new ScriptedLLM([
      { when: { instructions: 'Find out in one or two questions' }, text: HELLO },
      {
        when: { userText: 'My API is down' },
        toolCalls: [{ name: 'route_technical', args: { intent: 'API down', urgency: 'critical' } }],
      },
      {
        when: { toolOutput: /^Invalid arguments for route_technical: urgency: / },
        text: 'How urgent is it: low, normal or high?',
      },
    ]);
    const t = await startWorkflowTestSession(workflowTemplates.dynamicRouter, { llm: model });
    open.push(t);

    await t.send('My API is down');

    expect(t.workflow.currentNode).toBe('router');
    expect(t.handoffs).toEqual([]);
    expect(t.workflow.userdata).toEqual({});
    expect(t.rejections).toEqual([
      {
        from: 'router',
        tool: 'route_technical',
        edgeType: 'transfer',
        code: 'invalid_arguments',
        message: expect.stringContaining('Invalid arguments for route_technical: urgency: '),
        arguments: { intent: 'API down', urgency: 'critical' },
        at: expect.any(Number),
      },
    ]);
    model.assertScriptConsumed();
  });

  it('a specialist sends the caller back to the router, which routes again', async () => {
    const model = new ScriptedLLM([
      { when: { instructions: 'Find out in one or two questions' }, text: HELLO },
      {
        when: { userText: 'My invoice is wrong' },
        toolCalls: [
          { name: 'route_technical', args: { intent: 'invoice wrong', urgency: 'normal' } },
        ],
      },
      { when: { instructions: 'You handle technical questions' }, text: 'Which error do you see?' },
      {
        when: { userText: 'No error, the invoice amount is wrong' },
        toolCalls: [{ name: 'reroute' }],
      },
      {
        when: (request) =>
          (request.instructions ?? '').includes('Find out in one or two questions') &&
          request.conversation.length > 2,
        toolCalls: [
          { name: 'route_billing', args: { intent: 'invoice amount wrong', urgency: 'normal' } },
        ],
      },
      {
        when: { instructions: 'You handle billing questions' },
        text: 'Let me check your invoice.',
      },
    ]);
    const t = await startWorkflowTestSession(workflowTemplates.dynamicRouter, { llm: model });
    open.push(t);
    await t.send('My invoice is wrong');

    await t.send('No error, the invoice amount is wrong');

    // the router got the whole conversation back (full) and routed again within the same turn
    const rerouted = model.requests.at(-2);
    expect(rerouted?.conversation).toEqual([
      { role: 'assistant', text: HELLO },
      { role: 'user', text: 'My invoice is wrong' },
      { role: 'assistant', text: 'Which error do you see?' },
      { role: 'user', text: 'No error, the invoice amount is wrong' },
    ]);
    expect(t.handoffs.map((h) => `${h.edgeType}:${h.from}->${h.to}`)).toEqual([
      'transfer:router->technical',
      'return:technical->router',
      'transfer:router->billing',
    ]);
    expect(t.workflow.userdata).toEqual({ intent: 'invoice amount wrong', urgency: 'normal' });
    expect(t.workflow.returnStack).toEqual(['router']);
    expect(t.transcript()).toEqual([
      `router: ${HELLO}`,
      'user: My invoice is wrong',
      '-> technical',
      'technical: Which error do you see?',
      'user: No error, the invoice amount is wrong',
      '-> router',
      '-> billing',
      'billing: Let me check your invoice.',
    ]);
    model.assertScriptConsumed();
  });
});
