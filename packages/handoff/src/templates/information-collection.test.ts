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

const WELCOME = "Welcome to registration. I'll need your name, email and phone number. Ready?";
const details = { full_name: 'Alan Turing', email: 'alan@example.org', phone: '+44 1234 5678' };

describe('information collection template', () => {
  it('collects, verifies, returns to fix a field with full context, then confirms', async () => {
    const model = new ScriptedLLM([
      { when: { userText: 'Yes, ready' }, toolCalls: [{ name: 'start_collection' }] },
      {
        when: { instructions: 'Collect the caller' },
        text: 'What is your full name?',
        label: 'ask name',
      },
      {
        when: { userText: 'Alan Turing, alan@example.org, phone 12' },
        toolCalls: [{ name: 'submit_details', args: { ...details, phone: '12' } }],
      },
      {
        when: { toolOutput: /^Invalid arguments for submit_details: phone: / },
        text: 'That phone number looks too short. Could you repeat it?',
      },
      {
        when: { userText: 'Plus 44 1234 5678' },
        toolCalls: [{ name: 'submit_details', args: { ...details, email: 'alan@example.com' } }],
      },
      {
        when: { instructions: 'Read back these details' },
        text: 'Alan Turing, alan@example.com, +44 1234 5678. Correct?',
      },
      {
        when: { userText: 'The email should end in dot org' },
        toolCalls: [{ name: 'fix_details', args: { field_to_fix: 'email' } }],
      },
      {
        when: { instructions: 'Field to fix, if any: email' },
        text: 'Sorry about that. What is the right email?',
      },
      {
        when: { userText: 'alan@example.org' },
        toolCalls: [{ name: 'submit_details', args: details }],
      },
      {
        when: { instructions: 'email alan@example.org' },
        text: 'Alan Turing, alan@example.org, +44 1234 5678. Correct?',
      },
      {
        when: { userText: 'Yes, all correct' },
        toolCalls: [{ name: 'details_confirmed', args: { verified: false } }],
      },
      {
        when: { toolOutput: /^Invalid arguments for details_confirmed: verified: / },
        toolCalls: [{ name: 'details_confirmed', args: { verified: true } }],
      },
      { when: { instructions: 'Registration is complete' }, text: 'You are registered, goodbye!' },
    ]);
    const t = await startWorkflowTestSession(workflowTemplates.informationCollection, {
      llm: model,
    });
    open.push(t);
    // the welcome node says a fixed line on enter: no LLM call
    expect(model.requests).toHaveLength(0);
    expect(t.transcript()).toEqual([`welcome: ${WELCOME}`]);

    await t.send('Yes, ready');
    expect(model.requests[0]?.conversation).toEqual([
      { role: 'assistant', text: WELCOME },
      { role: 'user', text: 'Yes, ready' },
    ]);
    // none: the collector starts from scratch
    expect(model.lastRequest.conversation).toEqual([]);
    expect(model.lastRequest.instructions).toContain('Field to fix, if any: (unknown).');

    await t.send('Alan Turing, alan@example.org, phone 12');
    expect(t.rejections.map((r) => [r.tool, r.code])).toEqual([
      ['submit_details', 'invalid_arguments'],
    ]);
    expect(t.workflow.currentNode).toBe('collect');

    await t.send('Plus 44 1234 5678');
    const verify = model.lastRequest;
    expect(verify.instructions).toBe(
      'Read back these details: name Alan Turing, email alan@example.com, phone +44 1234 5678. If the caller confirms, call details_confirmed. If anything is wrong, call fix_details naming the field.',
    );
    // last_n 2
    expect(verify.conversation).toEqual([
      { role: 'assistant', text: 'That phone number looks too short. Could you repeat it?' },
      { role: 'user', text: 'Plus 44 1234 5678' },
    ]);

    await t.send('The email should end in dot org');
    const fix = model.lastRequest;
    expect(t.handoffs.at(-1)).toMatchObject({
      from: 'verify',
      to: 'collect',
      edgeType: 'return',
      arguments: { field_to_fix: 'email' },
    });
    // full: everything said in the session so far
    expect(fix.conversation).toEqual([
      { role: 'assistant', text: WELCOME },
      { role: 'user', text: 'Yes, ready' },
      { role: 'assistant', text: 'What is your full name?' },
      { role: 'user', text: 'Alan Turing, alan@example.org, phone 12' },
      { role: 'assistant', text: 'That phone number looks too short. Could you repeat it?' },
      { role: 'user', text: 'Plus 44 1234 5678' },
      { role: 'assistant', text: 'Alan Turing, alan@example.com, +44 1234 5678. Correct?' },
      { role: 'user', text: 'The email should end in dot org' },
    ]);
    // the collector's own earlier transfer calls and results carry (it has that tool), the
    // verifier's fix_details call does not (the collector has no such tool)
    expect(
      fix.items.flatMap((item) =>
        item.type === 'function_call' || item.type === 'function_call_output' ? [item.name] : [],
      ),
    ).toEqual(['submit_details', 'submit_details', 'submit_details', 'submit_details']);

    await t.send('alan@example.org');
    await t.send('Yes, all correct');
    const confirmation = model.lastRequest;
    expect(confirmation.conversation).toEqual([]);
    expect(confirmation.instructions).toBe(
      'Registration is complete for Alan Turing. Tell them a confirmation email goes to alan@example.org and say goodbye.',
    );
    expect(t.workflow.userdata).toEqual({ ...details, field_to_fix: 'email', verified: true });
    expect(t.handoffs.map((h) => `${h.from}->${h.to}`)).toEqual([
      'welcome->collect',
      'collect->verify',
      'verify->collect',
      'collect->verify',
      'verify->confirmation',
    ]);
    expect(t.workflow.returnStack).toEqual(['welcome', 'collect', 'verify']);
    expect(t.rejections.map((r) => r.tool)).toEqual(['submit_details', 'details_confirmed']);
    model.assertScriptConsumed();
  });
});
