import { initializeLogger } from '@livekit/agents';
import { ScriptedLLM, type ScriptedTurn } from '@voxie/testkit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SUMMARY_PROMPT, summaryMessageText } from '../context.js';
import { workflowTemplates } from '../templates.js';
import { startWorkflowTestSession, type WorkflowTestSession } from '../testing.js';

beforeAll(() => {
  initializeLogger({ pretty: false, level: 'silent' });
});

const open: WorkflowTestSession[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

const GREETING = 'Hello, you reached support. May I have your name?';
const TRIAGE_HELLO = 'Hi Ada, what seems to be the problem?';

/** greeting → triage, shared by every support scenario. */
const reachTriage: ScriptedTurn[] = [
  { when: { instructions: 'You answer the support line' }, text: GREETING },
  {
    when: { userText: 'This is Ada Lovelace' },
    toolCalls: [{ name: 'transfer_to_triage', args: { customer_name: 'Ada Lovelace' } }],
  },
  { when: { instructions: 'support triage agent talking to Ada Lovelace' }, text: TRIAGE_HELLO },
];

async function start(model: ScriptedLLM, summarizer?: ScriptedLLM) {
  const t = await startWorkflowTestSession(workflowTemplates.customerSupport, {
    llm: model,
    ...(summarizer ? { summarizer } : {}),
  });
  open.push(t);
  return t;
}

describe('customer support template', () => {
  it('greeting → triage (full) → technical (summary) → human escalation (full)', async () => {
    const model = new ScriptedLLM([
      ...reachTriage,
      {
        when: { userText: 'The desktop app crashes when I open it' },
        toolCalls: [
          {
            name: 'transfer_to_technical',
            args: { issue_summary: 'Desktop app crashes on open', product: 'Desktop app' },
          },
        ],
      },
      { when: { instructions: 'technical support specialist' }, text: 'Which version are you on?' },
      {
        when: { userText: 'I want to talk to a person' },
        toolCalls: [{ name: 'escalate_to_human', args: { reason: 'Caller asked for a person' } }],
      },
      {
        when: { instructions: 'A human colleague is being connected' },
        text: 'A colleague joins in a moment.',
      },
    ]);
    const summarizer = new ScriptedLLM([
      { text: 'Ada Lovelace reports that the desktop app crashes when she opens it.' },
    ]);
    const t = await start(model, summarizer);

    await t.send('This is Ada Lovelace');
    const triage = model.lastRequest;
    expect(triage.instructions).toBe(
      'You are the support triage agent talking to Ada Lovelace. Find out what the problem is. Technical problems (bugs, errors, outages, setup) go to transfer_to_technical; invoices, charges, refunds and plans go to transfer_to_billing.',
    );
    // full: the whole conversation so far, nothing else (the transfer call has no result yet)
    expect(triage.conversation).toEqual([
      { role: 'assistant', text: GREETING },
      { role: 'user', text: 'This is Ada Lovelace' },
    ]);
    expect(triage.items.filter((item) => item.type.startsWith('function'))).toEqual([]);
    expect(triage.tools.map((tool) => tool.name)).toEqual([
      'transfer_to_billing',
      'transfer_to_technical',
    ]);
    expect(triage.tools[1]?.parameters).toMatchObject({
      type: 'object',
      required: ['issue_summary'],
      properties: { issue_summary: { type: 'string', minLength: 1 } },
    });

    await t.send('The desktop app crashes when I open it');
    // the summarizer saw the conversation as a transcript, with the default prompt
    expect(summarizer.requests).toHaveLength(1);
    expect(summarizer.lastRequest.instructions).toBe(DEFAULT_SUMMARY_PROMPT);
    expect(summarizer.lastRequest.conversation).toEqual([
      {
        role: 'user',
        text: `Conversation:\nassistant: ${GREETING}\nuser: This is Ada Lovelace\nassistant: ${TRIAGE_HELLO}\nuser: The desktop app crashes when I open it`,
      },
    ]);
    const technical = model.lastRequest;
    expect(technical.instructions).toContain(
      'helping Ada Lovelace with: Desktop app crashes on open.',
    );
    // summary: one message holding the summary, nothing of the conversation itself
    expect(technical.conversation).toEqual([
      {
        role: 'assistant',
        text: summaryMessageText(
          'Ada Lovelace reports that the desktop app crashes when she opens it.',
        ),
      },
    ]);

    await t.send('I want to talk to a person');
    const escalation = model.lastRequest;
    expect(escalation.instructions).toContain('Tell Ada Lovelace briefly that a person will join');
    // full again: the session's conversation, including the technical agent's transition line
    expect(escalation.conversation).toEqual([
      { role: 'assistant', text: GREETING },
      { role: 'user', text: 'This is Ada Lovelace' },
      { role: 'assistant', text: TRIAGE_HELLO },
      { role: 'user', text: 'The desktop app crashes when I open it' },
      { role: 'assistant', text: "I'm connecting you with a technical specialist." },
      { role: 'assistant', text: 'Which version are you on?' },
      { role: 'user', text: 'I want to talk to a person' },
    ]);

    expect(
      t.handoffs.map((h) => [h.from, h.to, h.tool, h.context.policy, h.arguments, h.reason]),
    ).toEqual([
      [
        'greeting',
        'triage',
        'transfer_to_triage',
        'full',
        { customer_name: 'Ada Lovelace' },
        'Hand the caller to triage once you know their name.',
      ],
      [
        'triage',
        'technical',
        'transfer_to_technical',
        'summary',
        { issue_summary: 'Desktop app crashes on open', product: 'Desktop app' },
        'Hand a technical problem to the technical specialist.',
      ],
      [
        'technical',
        'human_escalation',
        'escalate_to_human',
        'full',
        { reason: 'Caller asked for a person' },
        'Caller asked for a person',
      ],
    ]);
    expect(t.handoffs.map((h) => h.carriedItems)).toEqual([2, 1, 7]);
    expect(t.handoffs.every((h) => h.latencyMs >= 0 && h.latencyMs < 1_000)).toBe(true);
    expect(t.escalations).toEqual([
      {
        node: 'human_escalation',
        from: 'technical',
        reason: 'Caller asked for a person',
        arguments: { reason: 'Caller asked for a person' },
        userdata: {
          customer_name: 'Ada Lovelace',
          issue_summary: 'Desktop app crashes on open',
          product: 'Desktop app',
          reason: 'Caller asked for a person',
        },
        at: expect.any(Number),
      },
    ]);
    expect(t.session.userData).toBe(t.workflow.userdata);
    expect(t.transcript()).toEqual([
      `greeting: ${GREETING}`,
      'user: This is Ada Lovelace',
      '-> triage',
      `triage: ${TRIAGE_HELLO}`,
      'user: The desktop app crashes when I open it',
      '-> technical',
      "technical: I'm connecting you with a technical specialist.",
      'technical: Which version are you on?',
      'user: I want to talk to a person',
      '-> human_escalation',
      'human_escalation: A colleague joins in a moment.',
    ]);
    model.assertScriptConsumed();
    summarizer.assertScriptConsumed();
  });

  it('refuses invalid transfer arguments, then billing gets the last 4 messages; return to triage carries nothing', async () => {
    const model = new ScriptedLLM([
      ...reachTriage,
      {
        when: { userText: 'I was charged twice' },
        toolCalls: [{ name: 'transfer_to_billing', args: { issue_summary: 'Double charge' } }],
      },
      {
        when: { toolOutput: /^Invalid arguments for transfer_to_billing/ },
        text: 'What is the email on your account?',
      },
      {
        when: { userText: 'ada at example dot com' },
        toolCalls: [
          {
            name: 'transfer_to_billing',
            args: { issue_summary: 'Double charge', account_email: 'ada at example dot com' },
          },
        ],
      },
      {
        when: { toolOutput: /^Invalid arguments for transfer_to_billing: account_email/ },
        text: 'Could you spell the email address?',
      },
      {
        when: { userText: 'ada@example.com' },
        toolCalls: [
          {
            name: 'transfer_to_billing',
            args: { issue_summary: 'Double charge', account_email: 'ada@example.com' },
          },
        ],
      },
      { when: { instructions: 'billing specialist' }, text: 'I see two charges on your invoice.' },
      {
        when: { userText: 'Actually my app also crashes' },
        toolCalls: [{ name: 'back_to_triage' }],
      },
      {
        when: { instructions: 'support triage agent' },
        text: 'Back in triage: tell me about the crash.',
      },
    ]);
    const t = await start(model);
    await t.send('This is Ada Lovelace');

    await t.send('I was charged twice');
    expect(t.workflow.currentNode).toBe('triage');
    expect(t.handoffs.map((h) => h.to)).toEqual(['triage']);
    const afterMissing = model.lastRequest;
    expect(afterMissing.items.at(-1)).toEqual({
      type: 'function_call_output',
      callId: expect.any(String),
      name: 'transfer_to_billing',
      output:
        'Invalid arguments for transfer_to_billing: account_email: Invalid input: expected string, received undefined. Ask the user for the missing or wrong values, then call transfer_to_billing again.',
      isError: true,
    });

    await t.send('ada at example dot com');
    expect(model.lastRequest.lastToolOutput).toMatch(
      /^Invalid arguments for transfer_to_billing: account_email: Invalid email address\./,
    );
    expect(t.rejections.map((r) => [r.from, r.tool, r.code, r.arguments])).toEqual([
      ['triage', 'transfer_to_billing', 'invalid_arguments', { issue_summary: 'Double charge' }],
      [
        'triage',
        'transfer_to_billing',
        'invalid_arguments',
        { issue_summary: 'Double charge', account_email: 'ada at example dot com' },
      ],
    ]);
    expect(t.workflow.userdata).toEqual({ customer_name: 'Ada Lovelace' });

    await t.send('ada@example.com');
    const billing = model.lastRequest;
    expect(billing.instructions).toContain(
      'helping Ada Lovelace (account ada@example.com) with: Double charge.',
    );
    // last_n 4: exactly the four latest user/assistant messages, no tool items
    expect(billing.conversation).toEqual([
      { role: 'assistant', text: 'What is the email on your account?' },
      { role: 'user', text: 'ada at example dot com' },
      { role: 'assistant', text: 'Could you spell the email address?' },
      { role: 'user', text: 'ada@example.com' },
    ]);
    expect(
      billing.items.filter(
        (item) => item.type !== 'message' && item.type !== 'agent_config_update',
      ),
    ).toEqual([]);
    expect(t.workflow.userdata).toEqual({
      customer_name: 'Ada Lovelace',
      issue_summary: 'Double charge',
      account_email: 'ada@example.com',
    });
    expect(t.workflow.returnStack).toEqual(['greeting', 'triage']);

    await t.send('Actually my app also crashes');
    const backInTriage = model.lastRequest;
    // none: the returning agent starts from its instructions alone
    expect(backInTriage.conversation).toEqual([]);
    expect(backInTriage.items.map((item) => item.type)).toEqual(['message', 'agent_config_update']);
    expect(backInTriage.items[0]).toEqual({
      type: 'message',
      role: 'system',
      text: expect.stringContaining('support triage agent talking to Ada Lovelace'),
    });
    expect(t.workflow.currentNode).toBe('triage');
    expect(t.workflow.returnStack).toEqual(['greeting']);
    expect(t.handoffs.at(-1)).toMatchObject({
      from: 'billing',
      to: 'triage',
      tool: 'back_to_triage',
      edgeType: 'return',
      context: { policy: 'none' },
      carriedItems: 0,
      arguments: {},
    });
    expect(t.escalations).toEqual([]);
    model.assertScriptConsumed();
  });
});
