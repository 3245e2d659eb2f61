import { initializeLogger, llm } from '@livekit/agents';
import { ScriptedLLM } from '@voxie/testkit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { WorkflowDefinitionInput } from './definition.js';
import { renderInstructions } from './runtime.js';
import { startWorkflowTestSession, type WorkflowTestSession } from './testing.js';

beforeAll(() => {
  initializeLogger({ pretty: false, level: 'silent' });
});

const open: WorkflowTestSession[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

/** desk ⇄ lab: desk transfers to lab, lab transfers back to desk, and both can "return". */
function deskAndLab(): WorkflowDefinitionInput {
  return {
    entry: 'desk',
    userdata: { type: 'object', properties: { ticket: { type: 'integer', minimum: 1 } } },
    nodes: [
      {
        id: 'desk',
        instructions: 'DESK agent.',
        tools: ['lookup_order'],
        onEnter: { action: 'wait' },
      },
      {
        id: 'lab',
        instructions: 'LAB agent. Ticket {{userdata.ticket}}.',
        tools: ['lookup_order'],
      },
    ],
    edges: [
      {
        type: 'transfer',
        from: 'desk',
        to: 'lab',
        tool: 'to_lab',
        description: 'Send to the lab.',
        arguments: { type: 'object', properties: { ticket: { type: 'number' } } },
        transitionLine: 'Sending you to the lab.',
      },
      {
        type: 'transfer',
        from: 'desk',
        to: 'lab',
        tool: 'to_lab_quietly',
        description: 'Lab, no line.',
      },
      {
        type: 'transfer',
        from: 'lab',
        to: 'desk',
        tool: 'to_desk',
        description: 'Send to the desk.',
      },
      {
        type: 'return',
        from: 'desk',
        tool: 'back',
        description: 'Go back.',
        context: { policy: 'summary' },
      },
    ],
  };
}

const lookupOrder = llm.tool({
  name: 'lookup_order',
  description: 'Look up an order.',
  parameters: z.object({ id: z.string() }),
  execute: async ({ id }) => `order ${id}: shipped`,
});

describe('createWorkflow at runtime', () => {
  it('refuses a return when no agent transferred here yet', async () => {
    const model = new ScriptedLLM([
      { when: { userText: 'go back' }, toolCalls: [{ name: 'back' }] },
      { when: { toolOutput: /no previous agent/ }, text: 'There is nowhere to go back to.' },
    ]);
    const t = await startWorkflowTestSession(deskAndLab(), { llm: model, tools: [lookupOrder] });
    open.push(t);

    await t.send('go back');

    expect(model.lastRequest.lastToolOutput).toBe(
      'There is no previous agent to return to; do not call back.',
    );
    expect(t.rejections.map((r) => r.code)).toEqual(['no_previous_agent']);
    expect(t.handoffs).toEqual([]);
    expect(t.workflow.currentNode).toBe('desk');
  });

  it('takes only the first of two transfers the LLM asks for in one turn', async () => {
    const model = new ScriptedLLM([
      {
        when: { userText: 'lab please' },
        toolCalls: [{ name: 'to_lab_quietly' }, { name: 'to_lab', args: { ticket: 4 } }],
      },
      { when: { instructions: 'LAB agent' }, text: 'Lab here.' },
    ]);
    const t = await startWorkflowTestSession(deskAndLab(), { llm: model, tools: [lookupOrder] });
    open.push(t);

    await t.send('lab please');

    expect(t.handoffs.map((h) => h.tool)).toEqual(['to_lab_quietly']);
    expect(t.rejections).toEqual([
      expect.objectContaining({
        tool: 'to_lab',
        code: 'handoff_already_requested',
        message:
          'Only one transfer per turn: "to_lab_quietly" was already requested. Do not call "to_lab" now.',
      }),
    ]);
    expect(t.workflow.currentNode).toBe('lab');
    expect(t.workflow.userdata).toEqual({});
  });

  it('hands off after a slower app tool called in the same batch (the framework keeps the last output)', async () => {
    const noted: string[] = [];
    const slowNote = llm.tool({
      name: 'take_note',
      description: 'Write a note.',
      parameters: z.object({ text: z.string() }),
      execute: async ({ text }) => {
        await new Promise((resolve) => setTimeout(resolve, 60));
        noted.push(text);
        return 'noted';
      },
    });
    const model = new ScriptedLLM([
      {
        when: { userText: 'note it and send me to the lab' },
        toolCalls: [{ name: 'to_lab_quietly' }, { name: 'take_note', args: { text: 'wants lab' } }],
      },
      { when: { instructions: 'LAB agent' }, text: 'Lab here.' },
    ]);
    const t = await startWorkflowTestSession(deskAndLab(), {
      llm: model,
      tools: [lookupOrder],
      toolsFor: (node) => (node.id === 'desk' ? [slowNote] : []),
    });
    open.push(t);

    await t.send('note it and send me to the lab');

    expect(noted).toEqual(['wants lab']);
    expect(t.handoffs.map((h) => h.to)).toEqual(['lab']);
    expect(t.workflow.currentNode).toBe('lab');
    expect(t.handoffs[0]?.latencyMs).toBeGreaterThanOrEqual(55);
  });

  it('still hands off when a sibling call streamed after the transfer finishes last', async () => {
    const quickNote = llm.tool({
      name: 'take_note',
      description: 'Write a note.',
      parameters: z.object({ text: z.string() }),
      execute: async () => 'noted',
    });
    const model = new ScriptedLLM([
      {
        when: { userText: 'lab, and note it' },
        // the second call arrives 40 ms after the first, when the transfer has long finished
        toolCalls: [{ name: 'to_lab_quietly' }, { name: 'take_note', args: { text: 'lab' } }],
        chunkDelayMs: 40,
      },
      // the desk agent answers the note's output while the switch happens
      { when: { toolOutput: 'noted' }, text: 'Noted.', times: Number.POSITIVE_INFINITY },
      { when: { instructions: 'LAB agent' }, text: 'Lab here.' },
    ]);
    const t = await startWorkflowTestSession(deskAndLab(), {
      llm: model,
      tools: [lookupOrder],
      toolsFor: (node) => (node.id === 'desk' ? [quickNote] : []),
    });
    open.push(t);

    await t.send('lab, and note it');
    await model.waitForRequests(3).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(t.handoffs.map((h) => h.to)).toEqual(['lab']);
    expect(t.workflow.currentNode).toBe('lab');
    expect(t.transcript()).toContain('lab: Lab here.');
  });

  it('refuses arguments the shared userdata schema rejects even when the edge schema allows them', async () => {
    const model = new ScriptedLLM([
      { when: { userText: 'lab' }, toolCalls: [{ name: 'to_lab', args: { ticket: 2.5 } }] },
      {
        when: { toolOutput: /^Invalid arguments for to_lab: ticket: / },
        text: 'Which ticket number?',
      },
    ]);
    const t = await startWorkflowTestSession(deskAndLab(), { llm: model, tools: [lookupOrder] });
    open.push(t);

    await t.send('lab');

    expect(t.rejections.map((r) => r.code)).toEqual(['invalid_userdata']);
    expect(t.workflow.userdata).toEqual({});
    expect(t.workflow.currentNode).toBe('desk');
  });

  it('answers malformed argument JSON with a tool error and no handoff', async () => {
    const model = new ScriptedLLM([
      { when: { userText: 'lab' }, toolCalls: [{ name: 'to_lab', args: '{"ticket": [' }] },
      { when: { toolOutput: /^Invalid arguments for to_lab/ }, text: 'Let me try that again.' },
    ]);
    const t = await startWorkflowTestSession(deskAndLab(), { llm: model, tools: [lookupOrder] });
    open.push(t);

    await t.send('lab');

    expect(model.lastRequest.items.at(-1)).toMatchObject({
      type: 'function_call_output',
      isError: true,
    });
    expect(t.handoffs).toEqual([]);
    expect(t.workflow.currentNode).toBe('desk');
    model.assertScriptConsumed();
  });

  it('full context carries app tool calls the next agent also has; the transition line comes first', async () => {
    const model = new ScriptedLLM([
      {
        when: { userText: 'where is order 9' },
        toolCalls: [{ name: 'lookup_order', args: { id: '9' } }],
      },
      { when: { toolOutput: 'order 9: shipped' }, text: 'Order 9 has shipped.' },
      { when: { userText: 'lab' }, toolCalls: [{ name: 'to_lab', args: { ticket: 3 } }] },
      { when: { instructions: 'LAB agent. Ticket 3.' }, text: 'Lab here, ticket 3.' },
    ]);
    const t = await startWorkflowTestSession(deskAndLab(), { llm: model, tools: [lookupOrder] });
    open.push(t);
    await t.send('where is order 9');

    await t.send('lab');

    const lab = model.lastRequest;
    expect(lab.items.filter((item) => item.type !== 'agent_config_update')).toEqual([
      { type: 'message', role: 'system', text: 'LAB agent. Ticket 3.' },
      { type: 'message', role: 'user', text: 'where is order 9' },
      {
        type: 'function_call',
        callId: 'scripted_call_0_0',
        name: 'lookup_order',
        args: { id: '9' },
      },
      {
        type: 'function_call_output',
        callId: 'scripted_call_0_0',
        name: 'lookup_order',
        output: '"order 9: shipped"',
        isError: false,
      },
      { type: 'message', role: 'assistant', text: 'Order 9 has shipped.' },
      { type: 'message', role: 'user', text: 'lab' },
    ]);
    expect(lab.tools.map((tool) => tool.name)).toEqual(['lookup_order', 'to_desk']);
    expect(t.transcript().slice(-3)).toEqual([
      '-> lab',
      'lab: Sending you to the lab.',
      'lab: Lab here, ticket 3.',
    ]);
    expect(t.handoffs[0]).toMatchObject({ carriedItems: 5, arguments: { ticket: 3 } });
  });

  it('uses per-node models and extra tools from the app', async () => {
    const sessionModel = new ScriptedLLM([
      { when: { userText: 'lab' }, toolCalls: [{ name: 'to_lab_quietly' }] },
    ]);
    const labModel = new ScriptedLLM([
      { when: { instructions: 'LAB agent' }, text: 'Lab model here.' },
    ]);
    const input = deskAndLab();
    const lab = input.nodes[1];
    if (!lab) throw new Error('fixture');
    lab.llm = { model: 'lab-model' };
    const extra = llm.tool({
      name: 'end_call',
      description: 'End the call.',
      execute: async () => 'ended',
    });
    const t = await startWorkflowTestSession(input, {
      llm: sessionModel,
      tools: [lookupOrder],
      resolveModels: (node) =>
        (node.llm as { model?: string } | undefined)?.model === 'lab-model'
          ? { llm: labModel }
          : {},
      toolsFor: (node) => (node.id === 'lab' ? [extra] : []),
    });
    open.push(t);

    await t.send('lab');

    expect(sessionModel.requests).toHaveLength(1);
    expect(labModel.requests).toHaveLength(1);
    expect(labModel.lastRequest.tools.map((tool) => tool.name)).toEqual([
      'end_call',
      'lookup_order',
      'to_desk',
    ]);
    sessionModel.assertScriptConsumed();
    labModel.assertScriptConsumed();
  });

  it('refuses the handoff when the summary cannot be written, and says so to the LLM', async () => {
    const model = new ScriptedLLM([
      { when: { userText: 'lab' }, toolCalls: [{ name: 'to_lab_quietly' }] },
      { when: { instructions: 'LAB agent' }, text: 'Lab here.' },
      { when: { userText: 'desk' }, toolCalls: [{ name: 'to_desk' }] },
      { when: { userText: 'back' }, toolCalls: [{ name: 'back' }] },
      { when: { toolOutput: /could not be prepared/ }, text: 'Sorry, let me try again later.' },
    ]);
    const t = await startWorkflowTestSession(deskAndLab(), {
      llm: model,
      tools: [lookupOrder],
      summarizer: async () => {
        throw new Error('summarizer offline');
      },
    });
    open.push(t);
    await t.send('lab');
    await t.send('desk');
    expect(t.workflow.returnStack).toEqual(['desk', 'lab']);

    await t.send('back');

    expect(model.lastRequest.lastToolOutput).toBe(
      'The transfer could not be prepared (summarizer offline). Try again.',
    );
    expect(t.rejections.map((r) => r.code)).toEqual(['context_failed']);
    expect(t.workflow.currentNode).toBe('desk');
    expect(t.workflow.returnStack).toEqual(['desk', 'lab']);
  });

  it('summarizes with the session LLM when no summarizer is configured', async () => {
    const model = new ScriptedLLM([
      { when: { userText: 'lab' }, toolCalls: [{ name: 'to_lab_quietly' }] },
      { when: { instructions: 'LAB agent' }, text: 'Lab here.' },
      { when: { userText: 'desk' }, toolCalls: [{ name: 'to_desk' }] },
      { when: { userText: 'back' }, toolCalls: [{ name: 'back' }] },
      {
        when: { instructions: 'You summarize a conversation' },
        text: 'The user went to the lab and back.',
      },
      { when: { instructions: 'LAB agent' }, text: 'Lab again.' },
    ]);
    const t = await startWorkflowTestSession(deskAndLab(), { llm: model, tools: [lookupOrder] });
    open.push(t);
    await t.send('lab');
    await t.send('desk');

    await t.send('back');

    expect(model.lastRequest.conversation).toEqual([
      {
        role: 'assistant',
        text: '<chat_history_summary>\nThe user went to the lab and back.\n</chat_history_summary>',
      },
    ]);
    expect(t.workflow.currentNode).toBe('lab');
    model.assertScriptConsumed();
  });
});

describe('renderInstructions', () => {
  it('fills userdata placeholders, JSON-encoding non-strings and marking missing ones', () => {
    expect(
      renderInstructions(
        'Hi {{userdata.name}} ({{ userdata.age }}), tags {{userdata.tags}}, {{userdata.none}}',
        {
          name: 'Ada',
          age: 36,
          tags: ['a'],
          none: null,
        },
      ),
    ).toBe('Hi Ada (36), tags ["a"], (unknown)');
  });
});
