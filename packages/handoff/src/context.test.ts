import { initializeLogger, llm } from '@livekit/agents';
import { ScriptedLLM } from '@voxie/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { carryContext, createLLMSummarizer, SUMMARY_EXTRA, summaryMessageText } from './context.js';

beforeAll(() => {
  initializeLogger({ pretty: false, level: 'silent' });
});

function history(): llm.ChatContext {
  const ctx = llm.ChatContext.empty();
  ctx.addMessage({ role: 'system', content: 'old instructions' });
  ctx.insert(llm.AgentHandoffItem.create({ newAgentId: 'a' }));
  ctx.addMessage({ role: 'assistant', content: 'Hello' });
  ctx.addMessage({ role: 'user', content: 'Find order 7' });
  ctx.insert(llm.FunctionCall.create({ callId: 'c1', name: 'lookup', args: '{"id":"7"}' }));
  ctx.insert(
    llm.FunctionCallOutput.create({
      callId: 'c1',
      name: 'lookup',
      output: '"shipped"',
      isError: false,
    }),
  );
  ctx.addMessage({ role: 'developer', content: 'be brief' });
  ctx.addMessage({ role: 'assistant', content: 'It shipped.' });
  ctx.addMessage({ role: 'assistant', content: [] });
  ctx.addMessage({ role: 'user', content: 'Transfer me' });
  ctx.insert(llm.FunctionCall.create({ callId: 'c2', name: 'to_b', args: '{}' }));
  return ctx;
}

function shape(ctx: llm.ChatContext): string[] {
  return ctx.items.map((item) =>
    item.type === 'message'
      ? `${item.role}: ${item.textContent ?? ''}`
      : item.type === 'function_call'
        ? `call ${item.name}`
        : item.type === 'function_call_output'
          ? `result ${item.name}`
          : item.type,
  );
}

const noSummary = { summarizer: undefined, from: 'a', to: 'b' };

describe('carryContext', () => {
  it('full: messages and answered tool calls; no instructions, handoff markers, empty messages or calls in flight', async () => {
    expect(shape(await carryContext({ policy: 'full' }, history(), noSummary))).toEqual([
      'assistant: Hello',
      'user: Find order 7',
      'call lookup',
      'result lookup',
      'assistant: It shipped.',
      'user: Transfer me',
    ]);
  });

  it('last_n: the last n user/assistant messages with text', async () => {
    expect(shape(await carryContext({ policy: 'last_n', n: 3 }, history(), noSummary))).toEqual([
      'user: Find order 7',
      'assistant: It shipped.',
      'user: Transfer me',
    ]);
    expect(
      shape(await carryContext({ policy: 'last_n', n: 50 }, history(), noSummary)),
    ).toHaveLength(4);
  });

  it('none: nothing', async () => {
    expect((await carryContext({ policy: 'none' }, history(), noSummary)).items).toEqual([]);
  });

  it('summary: one assistant message marked as a summary', async () => {
    const seen: unknown[] = [];
    const ctx = await carryContext({ policy: 'summary', prompt: 'Be short.' }, history(), {
      from: 'a',
      to: 'b',
      summarizer: async (request) => {
        seen.push(request);
        return '  Order 7 shipped; the user wants a transfer.  ';
      },
    });
    expect(seen).toEqual([
      {
        prompt: 'Be short.',
        from: 'a',
        to: 'b',
        messages: [
          { role: 'assistant', text: 'Hello' },
          { role: 'user', text: 'Find order 7' },
          { role: 'assistant', text: 'It shipped.' },
          { role: 'user', text: 'Transfer me' },
        ],
      },
    ]);
    expect(ctx.items).toHaveLength(1);
    const [message] = ctx.items;
    expect(message?.type === 'message' && message.role).toBe('assistant');
    expect(message?.type === 'message' && message.textContent).toBe(
      summaryMessageText('Order 7 shipped; the user wants a transfer.'),
    );
    expect(message?.type === 'message' && message.extra).toEqual(SUMMARY_EXTRA);
  });

  it('summary of an empty conversation is empty, and an empty summary is an error', async () => {
    const calls: unknown[] = [];
    const empty = await carryContext({ policy: 'summary' }, llm.ChatContext.empty(), {
      ...noSummary,
      summarizer: async (request) => {
        calls.push(request);
        return 'x';
      },
    });
    expect(empty.items).toEqual([]);
    expect(calls).toEqual([]);
    await expect(
      carryContext({ policy: 'summary' }, history(), { ...noSummary, summarizer: async () => ' ' }),
    ).rejects.toThrow('the summarizer returned no text');
    await expect(carryContext({ policy: 'summary' }, history(), noSummary)).rejects.toThrow(
      /no summarizer/,
    );
  });
});

describe('createLLMSummarizer', () => {
  it('asks the model with the prompt and the transcript, and surfaces its failures', async () => {
    const model = new ScriptedLLM([{ text: 'A short summary.' }]);
    const summarize = createLLMSummarizer(model);
    const messages = [
      { role: 'user' as const, text: 'hi' },
      { role: 'assistant' as const, text: 'hello' },
    ];

    await expect(summarize({ messages, prompt: 'Summarize.', from: 'a', to: 'b' })).resolves.toBe(
      'A short summary.',
    );
    expect(model.lastRequest.items).toEqual([
      { type: 'message', role: 'system', text: 'Summarize.' },
      { type: 'message', role: 'user', text: 'Conversation:\nuser: hi\nassistant: hello' },
    ]);

    await expect(summarize({ messages, prompt: 'Summarize.', from: 'a', to: 'b' })).rejects.toThrow(
      /ScriptedLLM request #1: the script has run out/,
    );
  });
});
