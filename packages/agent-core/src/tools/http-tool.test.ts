import { llm } from '@livekit/agents';
import { describe, expect, it } from 'vitest';
import { buildHttpRequest } from './http-tool.js';
import { HttpToolDefinition } from './tool-definition.js';

const tool = HttpToolDefinition.parse({
  type: 'http',
  name: 'book',
  description: 'Book a table.',
  method: 'POST',
  url: 'https://api.example.com/restaurants/{restaurantId}/bookings',
  parameters: {
    type: 'object',
    properties: { restaurantId: { type: 'string' }, people: { type: 'integer' } },
    required: ['restaurantId', 'people'],
  },
  headers: { Authorization: { secret: 'booking_token', prefix: 'Token ' }, 'X-Source': 'voxie' },
});

describe('buildHttpRequest', () => {
  it('fills placeholders (encoded) and sends the other arguments as JSON', () => {
    const { url, init } = buildHttpRequest(tool, { restaurantId: 'a/b c', people: 4 }, (name) =>
      name === 'booking_token' ? 'tok-1' : undefined,
    );
    expect(url).toBe('https://api.example.com/restaurants/a%2Fb%20c/bookings');
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"people":4}');
    const headers = init.headers as Headers;
    expect(headers.get('authorization')).toBe('Token tok-1');
    expect(headers.get('x-source')).toBe('voxie');
    expect(headers.get('content-type')).toBe('application/json');
  });

  it('puts arguments in the query string for GET', () => {
    const get = HttpToolDefinition.parse({ ...tool, method: 'GET', headers: {} });
    const { url, init } = buildHttpRequest(get, { restaurantId: 'r1', people: 2 }, () => undefined);
    expect(url).toBe('https://api.example.com/restaurants/r1/bookings?people=2');
    expect(init.body).toBeUndefined();
  });

  it('answers a tool error naming the missing secret, never a value', () => {
    let error: unknown;
    try {
      buildHttpRequest(tool, { restaurantId: 'r', people: 1 }, () => undefined);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(llm.ToolError);
    expect((error as Error).message).toContain('missing secret "booking_token"');
  });
});
