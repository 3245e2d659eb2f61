import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-app.js';

describe('expert API', () => {
  let t: TestApp;
  let user: { authorization: string };
  beforeAll(async () => {
    t = await createTestApp({ backend: 'pglite' });
    user = { authorization: `Bearer ${await t.userToken(randomUUID())}` };
  });
  afterAll(() => t.close());

  it('routes a question to its LiveKit domains with QA gates', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/expert/route',
      headers: user,
      payload: {
        text: 'My LiveKit webhook receiver rejects every event with a sha256 checksum mismatch',
      },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.mode).toBe('rules');
    expect(body.domains[0].domain).toBe('webhook');
    expect(body.gates.map((g: { gate: string }) => g.gate)).toEqual([
      'requirements-validation',
      'architectural-alignment',
      'security-review',
    ]);
  });

  it('diagnoses log lines', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/expert/diagnose',
      headers: user,
      payload: {
        log: 'Error: sha256 checksum of body does not match\n    at WebhookReceiver.receive',
        limit: 3,
      },
    });
    expect(response.statusCode).toBe(200);
    const best = response.json().matches[0];
    expect(best).toMatchObject({ id: 'webhook-sha256-mismatch', domain: 'webhook' });
    expect(best.solution.length).toBeGreaterThan(0);
  });

  it('validates input and requires a credential', async () => {
    const empty = await t.app.inject({
      method: 'POST',
      url: '/v1/expert/route',
      headers: user,
      payload: { text: ' ' },
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().issues[0].path).toBe('body.text');
    expect(
      (await t.app.inject({ method: 'POST', url: '/v1/expert/diagnose', payload: { log: 'x' } }))
        .statusCode,
    ).toBe(401);
  });
});
