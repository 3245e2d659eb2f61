import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-app.js';

describe('rate limiting', () => {
  const apps: TestApp[] = [];
  afterAll(() => Promise.all(apps.map((app) => app.close())));
  const make = async (env: Record<string, string>) => {
    const app = await createTestApp({
      backend: 'pglite',
      env: { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000', ...env },
    });
    apps.push(app);
    return app;
  };

  it('limits each credential separately and answers 429 with Retry-After', async () => {
    const t = await make({});
    const alice = { authorization: `Bearer ${await t.userToken(randomUUID())}` };
    const bob = { authorization: `Bearer ${await t.userToken(randomUUID())}` };
    const codes = [];
    for (let i = 0; i < 4; i++)
      codes.push(
        (await t.app.inject({ method: 'GET', url: '/v1/agents', headers: alice })).statusCode,
      );
    expect(codes).toEqual([200, 200, 200, 429]);
    const limited = await t.app.inject({ method: 'GET', url: '/v1/agents', headers: alice });
    expect(limited.json()).toMatchObject({ error: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/agents', headers: bob })).statusCode,
    ).toBe(200);
    // Health checks and webhooks are never limited.
    for (let i = 0; i < 5; i++)
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('shares the limit across API replicas through Redis', async () => {
    const a = await make({ REDIS_URL: 'redis://127.0.0.1:6379' });
    const b = await make({ REDIS_URL: 'redis://127.0.0.1:6379' });
    const headers = { authorization: `Bearer ${await a.userToken(randomUUID())}` };
    const codes = [];
    for (const app of [a, b, a, b])
      codes.push((await app.app.inject({ method: 'GET', url: '/v1/agents', headers })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429]);
  });
});

describe('CORS', () => {
  it('answers preflights only for configured origins', async () => {
    const t = await createTestApp({
      backend: 'pglite',
      env: { CORS_ORIGINS: 'https://app.example.com' },
    });
    try {
      const preflight = await t.app.inject({
        method: 'OPTIONS',
        url: '/v1/agents',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
      });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
      const other = await t.app.inject({
        method: 'GET',
        url: '/healthz',
        headers: { origin: 'https://evil.example.com' },
      });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
