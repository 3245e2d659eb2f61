import { initializeLogger } from '@livekit/agents';
import { ScriptedLLM, type ScriptedTurn } from '@voxie/testkit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SummaryRequest, summaryMessageText } from '../context.js';
import { workflowTemplates } from '../templates.js';
import { startWorkflowTestSession, type WorkflowTestSession } from '../testing.js';

beforeAll(() => {
  initializeLogger({ pretty: false, level: 'silent' });
});

const open: WorkflowTestSession[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

const INTRO = 'Hi, this is Acme Voice. Who am I speaking with, and from which company?';
const QUALIFY = 'Thanks Grace. How big is your team, and what is your monthly budget?';

const reachQualification: ScriptedTurn[] = [
  { when: { instructions: 'You open sales calls' }, text: INTRO },
  {
    when: { userText: 'Grace Hopper from Cobol Corp' },
    toolCalls: [
      {
        name: 'start_qualification',
        args: { contact_name: 'Grace Hopper', company: 'Cobol Corp' },
      },
    ],
  },
  { when: { instructions: 'You qualify Grace Hopper from Cobol Corp' }, text: QUALIFY },
];

describe('sales pipeline template', () => {
  it('qualified: intro → qualification (full) → demo (summary, custom prompt) → account executive (last 6)', async () => {
    const model = new ScriptedLLM([
      ...reachQualification,
      {
        when: { userText: 'We are 3 people, 800 dollars a month, for support calls' },
        toolCalls: [
          {
            name: 'book_demo',
            args: { team_size: 3, monthly_budget_usd: 800, use_case: 'support calls' },
          },
        ],
      },
      {
        when: { toolOutput: /^Invalid arguments for book_demo: team_size: / },
        text: 'Just to check: is it really three people?',
      },
      {
        when: { userText: 'Sorry, 12 people' },
        toolCalls: [
          {
            name: 'book_demo',
            args: { team_size: 12, monthly_budget_usd: 800, use_case: 'support calls' },
          },
        ],
      },
      { when: { instructions: 'short spoken demo' }, text: 'Here is how a support call runs.' },
      {
        when: { userText: 'Looks great, let us go ahead' },
        toolCalls: [
          { name: 'connect_account_executive', args: { meeting_preference: 'Tuesday morning' } },
        ],
      },
      {
        when: { instructions: 'An account executive is joining' },
        text: 'Our account executive is joining.',
      },
    ]);
    const summaries: SummaryRequest[] = [];
    const t = await startWorkflowTestSession(workflowTemplates.salesPipeline, {
      llm: model,
      summarizer: async (request) => {
        summaries.push(request);
        return 'Grace Hopper of Cobol Corp, 12 people, wants voice agents for support calls.';
      },
    });
    open.push(t);

    await t.send('Grace Hopper from Cobol Corp');
    expect(model.lastRequest.conversation).toEqual([
      { role: 'assistant', text: INTRO },
      { role: 'user', text: 'Grace Hopper from Cobol Corp' },
    ]);

    await t.send('We are 3 people, 800 dollars a month, for support calls');
    expect(t.workflow.currentNode).toBe('qualification');
    expect(t.rejections).toEqual([
      expect.objectContaining({
        from: 'qualification',
        tool: 'book_demo',
        code: 'invalid_arguments',
        message: expect.stringMatching(
          /^Invalid arguments for book_demo: team_size: Too small: expected number to be >=5/,
        ),
      }),
    ]);

    await t.send('Sorry, 12 people');
    expect(summaries).toEqual([
      {
        prompt:
          'Summarize this sales qualification call for the demo presenter in two sentences: who they are, what they need.',
        from: 'qualification',
        to: 'demo',
        messages: [
          { role: 'assistant', text: INTRO },
          { role: 'user', text: 'Grace Hopper from Cobol Corp' },
          { role: 'assistant', text: QUALIFY },
          { role: 'user', text: 'We are 3 people, 800 dollars a month, for support calls' },
          { role: 'assistant', text: 'Just to check: is it really three people?' },
          { role: 'user', text: 'Sorry, 12 people' },
        ],
      },
    ]);
    const demo = model.lastRequest;
    expect(demo.instructions).toBe(
      'Give Grace Hopper a short spoken demo tailored to: support calls (team of 12). When they want to go ahead, call connect_account_executive.',
    );
    expect(demo.conversation).toEqual([
      {
        role: 'assistant',
        text: summaryMessageText(
          'Grace Hopper of Cobol Corp, 12 people, wants voice agents for support calls.',
        ),
      },
    ]);

    await t.send('Looks great, let us go ahead');
    // last_n 6 over the session's messages (the summary lived only in the demo agent's context)
    expect(model.lastRequest.conversation).toEqual([
      { role: 'user', text: 'We are 3 people, 800 dollars a month, for support calls' },
      { role: 'assistant', text: 'Just to check: is it really three people?' },
      { role: 'user', text: 'Sorry, 12 people' },
      { role: 'assistant', text: 'Great, let me show you how this works for your team.' },
      { role: 'assistant', text: 'Here is how a support call runs.' },
      { role: 'user', text: 'Looks great, let us go ahead' },
    ]);
    expect(t.escalations).toEqual([
      {
        node: 'account_executive',
        from: 'demo',
        reason: 'The lead wants to go ahead: bring in an account executive.',
        arguments: { meeting_preference: 'Tuesday morning' },
        userdata: {
          contact_name: 'Grace Hopper',
          company: 'Cobol Corp',
          team_size: 12,
          monthly_budget_usd: 800,
          use_case: 'support calls',
          meeting_preference: 'Tuesday morning',
        },
        at: expect.any(Number),
      },
    ]);
    expect(t.handoffs.map((h) => `${h.from}->${h.to}:${h.context.policy}`)).toEqual([
      'intro->qualification:full',
      'qualification->demo:summary',
      'demo->account_executive:last_n',
    ]);
    model.assertScriptConsumed();
  });

  it('disqualified branch: the closing agent gets no history, only userdata in its instructions', async () => {
    const model = new ScriptedLLM([
      ...reachQualification,
      {
        when: { userText: 'It is just me, no budget' },
        toolCalls: [{ name: 'disqualify', args: { disqualification_reason: 'too small' } }],
      },
      {
        when: { toolOutput: /^Invalid arguments for disqualify: disqualification_reason: / },
        toolCalls: [{ name: 'disqualify', args: { disqualification_reason: 'too_small' } }],
      },
      { when: { instructions: 'is not a fit right now' }, text: 'Thanks for your time, Grace!' },
    ]);
    const t = await startWorkflowTestSession(workflowTemplates.salesPipeline, { llm: model });
    open.push(t);
    await t.send('Grace Hopper from Cobol Corp');

    await t.send('It is just me, no budget');

    const closing = model.lastRequest;
    expect(closing.items).toEqual([
      {
        type: 'message',
        role: 'system',
        text: 'Grace Hopper is not a fit right now (reason: too_small). Thank them, point them to the free self-serve plan, and end warmly. Do not try to sell further.',
      },
      { type: 'agent_config_update', instructions: expect.any(String) },
    ]);
    expect(closing.conversation).toEqual([]);
    expect(closing.tools).toEqual([]);
    expect(t.rejections.map((r) => r.code)).toEqual(['invalid_arguments']);
    expect(t.handoffs.at(-1)).toMatchObject({
      from: 'qualification',
      to: 'disqualified',
      context: { policy: 'none' },
      carriedItems: 0,
      arguments: { disqualification_reason: 'too_small' },
    });
    expect(t.workflow.userdata).toEqual({
      contact_name: 'Grace Hopper',
      company: 'Cobol Corp',
      disqualification_reason: 'too_small',
    });
    expect(t.escalations).toEqual([]);
    model.assertScriptConsumed();
  });
});
