import { initializeLogger, llm, voice } from '@livekit/agents';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ScriptExhaustedError, ScriptedLLM } from './scripted-llm.js';

beforeAll(() => {
  initializeLogger({ pretty: false, level: 'silent' });
});

const sessions: voice.AgentSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
});

async function startTextSession(model: ScriptedLLM, agent: voice.Agent) {
  const session = new voice.AgentSession({
    llm: model,
    vad: null,
    turnHandling: { turnDetection: null },
  });
  sessions.push(session);
  await session.start({ agent });
  return session;
}

describe('ScriptedLLM in a text AgentSession', () => {
  it('answers with scripted text and records what the model received', async () => {
    const model = new ScriptedLLM([
      { when: { userText: 'hello' }, text: 'Hi there, how can I help?' },
    ]);
    const session = await startTextSession(
      model,
      new voice.Agent({ instructions: 'You are a concise assistant.' }),
    );

    const result = await session.run({ userInput: 'hello' }).wait();

    result.expect.nextEvent().isMessage({ role: 'assistant' });
    result.expect.noMoreEvents();
    const reply = session.history.items.at(-1);
    expect(reply?.type === 'message' && reply.textContent).toBe('Hi there, how can I help?');
    expect(model.requests).toHaveLength(1);
    expect(model.lastRequest.instructions).toBe('You are a concise assistant.');
    expect(model.lastRequest.conversation).toEqual([{ role: 'user', text: 'hello' }]);
    expect(model.lastRequest.lastUserText).toBe('hello');
    expect(model.lastRequest.tools).toEqual([]);
    model.assertScriptConsumed();
  });

  it('plays tool calls with arguments, then reacts to the tool output', async () => {
    const calls: unknown[] = [];
    const lookup = llm.tool({
      name: 'lookup_order',
      description: 'Look up an order by id.',
      parameters: z.object({ orderId: z.string() }),
      execute: async ({ orderId }) => {
        calls.push(orderId);
        return `order ${orderId} shipped`;
      },
    });
    const model = new ScriptedLLM([
      {
        when: { userText: /order/ },
        toolCalls: [{ name: 'lookup_order', args: { orderId: 'A7' } }],
      },
      { when: { toolOutput: 'order A7 shipped' }, text: 'Your order has shipped.' },
    ]);
    const session = await startTextSession(
      model,
      new voice.Agent({ instructions: 'Support agent.', tools: [lookup] }),
    );

    const result = await session.run({ userInput: 'where is my order?' }).wait();

    result.expect.nextEvent().isFunctionCall({ name: 'lookup_order', args: { orderId: 'A7' } });
    result.expect.nextEvent().isFunctionCallOutput({ output: '"order A7 shipped"' });
    result.expect.nextEvent().isMessage({ role: 'assistant' });
    result.expect.noMoreEvents();
    expect(calls).toEqual(['A7']);

    const [first, second] = model.requests;
    expect(first?.tools).toEqual([
      {
        name: 'lookup_order',
        description: 'Look up an order by id.',
        parameters: expect.objectContaining({
          type: 'object',
          properties: { orderId: expect.objectContaining({ type: 'string' }) },
        }),
      },
    ]);
    expect(first?.lastToolOutput).toBeUndefined();
    expect(second?.items.slice(-2)).toEqual([
      {
        type: 'function_call',
        callId: 'scripted_call_0_0',
        name: 'lookup_order',
        args: { orderId: 'A7' },
      },
      {
        type: 'function_call_output',
        callId: 'scripted_call_0_0',
        name: 'lookup_order',
        output: '"order A7 shipped"',
        isError: false,
      },
    ]);
    expect(second?.lastToolOutput).toBe('"order A7 shipped"');
    model.assertScriptConsumed();
  });

  it('chooses turns by matcher regardless of their order in the script', async () => {
    const model = new ScriptedLLM([
      { when: { userText: 'second' }, text: 'answer two' },
      { when: { userText: 'first' }, text: 'answer one' },
      { when: (request) => request.conversation.length > 3, text: 'answer three', label: 'late' },
    ]);
    const session = await startTextSession(model, new voice.Agent({ instructions: 'x' }));

    await session.run({ userInput: 'first' }).wait();
    await session.run({ userInput: 'second' }).wait();
    await session.run({ userInput: 'third' }).wait();

    const assistant = session.history.items.flatMap((item) =>
      item.type === 'message' && item.role === 'assistant' ? [item.textContent] : [],
    );
    expect(assistant).toEqual(['answer one', 'answer two', 'answer three']);
    expect(model.requests[2]?.conversation).toEqual([
      { role: 'user', text: 'first' },
      { role: 'assistant', text: 'answer one' },
      { role: 'user', text: 'second' },
      { role: 'assistant', text: 'answer two' },
      { role: 'user', text: 'third' },
    ]);
  });

  it('fails clearly when the script runs out', async () => {
    const model = new ScriptedLLM([{ text: 'only once' }]);
    const session = await startTextSession(model, new voice.Agent({ instructions: 'x' }));
    await session.run({ userInput: 'one' }).wait();

    await session
      .run({ userInput: 'two' })
      .wait()
      .catch(() => undefined);

    expect(model.failures).toHaveLength(1);
    expect(model.failures[0]).toBeInstanceOf(ScriptExhaustedError);
    expect(model.failures[0]?.message).toBe(
      'ScriptedLLM request #1: the script has run out. Last item: user message "two"',
    );
    expect(() => model.assertScriptConsumed()).toThrow(/script has run out/);
  });
});

describe('ScriptedLLM outside a session', () => {
  it('streams text in chunks with usage, honours delays and reports unmatched requests', async () => {
    const model = new ScriptedLLM(
      [
        {
          when: { instructions: 'summarize' },
          respond: (request) => ({
            text: `summary of ${request.conversation.length} messages`,
            usage: {
              completionTokens: 4,
              promptTokens: 10,
              promptCachedTokens: 0,
              totalTokens: 14,
            },
          }),
          delayMs: 30,
        },
      ],
      { chunkSize: 5 },
    );
    const chatCtx = llm.ChatContext.empty();
    chatCtx.addMessage({ role: 'system', content: 'Please summarize.' });
    chatCtx.addMessage({ role: 'user', content: 'a' });
    chatCtx.addMessage({ role: 'assistant', content: 'b' });

    const started = performance.now();
    const chunks: llm.ChatChunk[] = [];
    for await (const chunk of model.chat({ chatCtx })) chunks.push(chunk);

    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(chunks.map((chunk) => chunk.delta?.content ?? '')).toEqual([
      'summa',
      'ry of',
      ' 2 me',
      'ssage',
      's',
      '',
    ]);
    expect(chunks.every((chunk) => chunk.id === 'scripted-0')).toBe(true);
    expect(chunks.at(-1)?.usage?.totalTokens).toBe(14);

    // the framework reports stream failures through the LLM's `error` event, not by throwing
    const errors: Array<{ error: Error; recoverable: boolean }> = [];
    model.on('error', (error) => errors.push(error));
    const unmatched = await model.chat({ chatCtx }).collect();
    expect(unmatched.text).toBe('');
    expect(errors.map((error) => [error.error.message, error.recoverable])).toEqual([
      [model.failures[0]?.message, false],
    ]);
    expect(model.failures[0]?.message).toMatch(/^ScriptedLLM request #1: the script has run out/);
    await expect(model.waitForRequests(2)).resolves.toHaveLength(2);
  });

  it('emits each tool call in its own chunk, spaced by chunkDelayMs', async () => {
    const model = new ScriptedLLM([
      {
        text: 'ok',
        toolCalls: [
          { name: 'a', args: { x: 1 } },
          { name: 'b', args: '{"raw": ', callId: 'mine' },
        ],
        chunkDelayMs: 20,
      },
    ]);
    const chatCtx = llm.ChatContext.empty();
    chatCtx.addMessage({ role: 'user', content: 'go' });

    const arrivals: Array<[string, number]> = [];
    const started = performance.now();
    for await (const chunk of model.chat({ chatCtx })) {
      const label = chunk.delta?.content ?? chunk.delta?.toolCalls?.map((call) => call.name).join();
      arrivals.push([label ?? '', performance.now() - started]);
    }

    expect(arrivals.map(([label]) => label)).toEqual(['ok', 'a', 'b']);
    expect(arrivals[1]?.[1]).toBeGreaterThanOrEqual(15);
    expect((arrivals[2]?.[1] ?? 0) - (arrivals[1]?.[1] ?? 0)).toBeGreaterThanOrEqual(15);
    const response = await new ScriptedLLM([
      { toolCalls: [{ name: 'b', args: '{"raw": ', callId: 'mine' }] },
    ])
      .chat({ chatCtx })
      .collect();
    expect(response.toolCalls.map((call) => [call.callId, call.name, call.args])).toEqual([
      ['mine', 'b', '{"raw": '],
    ]);
  });

  it('keeps only the latest requests when asked to', async () => {
    const model = new ScriptedLLM([{ text: 'hi', times: 3 }], { maxRecordedRequests: 2 });
    for (const word of ['one', 'two', 'three']) {
      const chatCtx = llm.ChatContext.empty();
      chatCtx.addMessage({ role: 'user', content: word });
      await model.chat({ chatCtx }).collect();
    }

    expect(model.requestCount).toBe(3);
    expect(model.requests.map((request) => [request.index, request.lastUserText])).toEqual([
      [1, 'two'],
      [2, 'three'],
    ]);
    await expect(model.waitForRequests(3)).resolves.toHaveLength(2);
  });

  it('names the remaining turns when none matches', async () => {
    const model = new ScriptedLLM([{ when: { userText: 'yes' }, text: 'ok', label: 'confirm' }]);
    const chatCtx = llm.ChatContext.empty();
    chatCtx.addMessage({ role: 'user', content: 'no' });

    model.on('error', () => undefined);
    await model.chat({ chatCtx }).collect();

    expect(model.failures.map((failure) => failure.message)).toEqual([
      'ScriptedLLM request #0: no remaining turn matches (remaining: #0 "confirm"). Last item: user message "no"',
    ]);
    expect(model.failures[0]?.request.lastUserText).toBe('no');
  });
});
