import { describe, expect, it } from 'vitest';
import { AgentDefinition } from '../agent-definition.js';
import { HttpToolDefinition, ToolDefinition } from './tool-definition.js';

const base = {
  type: 'http',
  name: 'lookup',
  description: 'Look something up.',
  url: 'https://api.example.com/items/{id}',
  parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
};

function paths(result: { error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];
}

describe('tool definitions', () => {
  it('fills defaults for an HTTP tool', () => {
    expect(HttpToolDefinition.parse(base)).toMatchObject({
      method: 'POST',
      headers: {},
      timeoutMs: 10_000,
      maxResponseBytes: 65_536,
    });
    expect(ToolDefinition.parse({ type: 'end_call' })).toMatchObject({
      name: 'end_call',
      deleteRoom: true,
    });
  });

  it('refuses inline credentials in headers but accepts secret references', () => {
    const inline = HttpToolDefinition.safeParse({
      ...base,
      headers: { Authorization: 'Bearer sk-live-123', 'X-Api-Key': 'abc' },
    });
    expect(paths(inline)).toEqual([
      expect.stringMatching(/^headers\.Authorization: .*reference a secret/),
      expect.stringMatching(/^headers\.X-Api-Key: .*reference a secret/),
    ]);
    expect(JSON.stringify(inline.error?.issues)).not.toContain('sk-live-123');
    const referenced = HttpToolDefinition.parse({
      ...base,
      headers: { Authorization: { secret: 'crm_token', prefix: 'Bearer ' }, Accept: 'text/plain' },
    });
    expect(referenced.headers.Authorization).toEqual({ secret: 'crm_token', prefix: 'Bearer ' });
  });

  it('names bad URLs, unknown placeholders and broken schemas', () => {
    expect(paths(HttpToolDefinition.safeParse({ ...base, url: 'ftp://x/{id}' }))).toEqual([
      'url: must be an http(s) URL',
    ]);
    expect(paths(HttpToolDefinition.safeParse({ ...base, url: 'https://x/{orderId}' }))).toEqual([
      'url: placeholder {orderId} is not a declared parameter',
    ]);
    expect(
      paths(
        HttpToolDefinition.safeParse({
          ...base,
          parameters: { type: 'object', properties: {}, required: ['id'] },
          url: 'https://x',
        }),
      ),
    ).toEqual(['parameters.required: required property "id" is not declared in properties']);
    expect(paths(HttpToolDefinition.safeParse({ ...base, name: '1bad name' }))[0]).toMatch(
      /^name:/,
    );
  });

  it('rejects duplicate tool names in a definition', () => {
    const result = AgentDefinition.safeParse({
      schemaVersion: 1,
      name: 'A',
      instructions: 'x',
      greeting: { mode: 'wait' },
      llm: { provider: 'openai', model: 'm' },
      stt: { provider: 'deepgram', model: 'nova-3' },
      tts: { provider: 'cartesia', voice: 'v' },
      tools: [base, { type: 'end_call', name: 'lookup' }],
    });
    expect(paths(result)).toEqual(['tools.1.name: duplicate tool name "lookup"']);
  });
});
