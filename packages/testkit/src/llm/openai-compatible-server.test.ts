import { afterEach, describe, expect, it } from 'vitest';
import {
  type OpenAICompatibleServer,
  startOpenAICompatibleServer,
} from './openai-compatible-server.js';

let server: OpenAICompatibleServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function streamChat(baseURL: string, body: Record<string, unknown>, key = 'k') {
  const response = await fetch(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ stream: true, ...body }),
  });
  const text = await response.text();
  const events = text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice(6));
  return { response, events };
}

describe('OpenAI-compatible loopback server', () => {
  it('streams text and tool calls in the Chat Completions chunk format and records requests', async () => {
    server = await startOpenAICompatibleServer({
      apiKey: 'k',
      chunkSize: 4,
      replies: [{ text: 'Checking now', toolCalls: [{ name: 'lookup', arguments: { id: 42 } }] }],
    });
    const { response, events } = await streamChat(server.baseURL, {
      model: 'm-1',
      temperature: 0.4,
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      stream_options: { include_usage: true },
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event));
    const content = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(content).toBe('Checking now');
    const args = chunks
      .flatMap((c) => c.choices[0]?.delta?.tool_calls ?? [])
      .map((call: { function: { arguments?: string } }) => call.function.arguments ?? '')
      .join('');
    expect(JSON.parse(args)).toEqual({ id: 42 });
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe(
      'tool_calls',
    );
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 10,
      completion_tokens: 5,
      total_tokens: 15,
    });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.body).toMatchObject({ model: 'm-1', temperature: 0.4 });
    expect(server.requests[0]?.body.tools?.[0]?.function.name).toBe('lookup');
  });

  it('echoes by default, answers non-streaming requests, lists models and checks the key', async () => {
    server = await startOpenAICompatibleServer({ apiKey: 'k' });
    const plain = await fetch(`${server.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'ping' }] }),
    });
    expect(
      ((await plain.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message
        .content,
    ).toBe('You said: ping');
    const models = await fetch(`${server.baseURL}/models`, {
      headers: { authorization: 'Bearer k' },
    });
    expect(((await models.json()) as { data: { id: string }[] }).data[0]?.id).toBe(
      'loopback-model',
    );
    const { response } = await streamChat(server.baseURL, { model: 'm', messages: [] }, 'wrong');
    expect(response.status).toBe(401);
  });
});
