import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-app.js';

describe('authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const list = (authorization?: string) =>
    t.app.inject({
      method: 'GET',
      url: '/v1/agents',
      headers: authorization === undefined ? {} : { authorization },
    });

  async function expect401(authorization: string | undefined, message: string) {
    const response = await list(authorization);
    expect(response.statusCode, String(authorization)).toBe(401);
    expect(response.json()).toMatchObject({ error: 'unauthenticated', message });
  }

  it('says what is wrong with missing or malformed credentials', async () => {
    await expect401(
      undefined,
      'missing Authorization header; send "Bearer <API key or access token>"',
    );
    await expect401(
      'Basic dXNlcjpwYXNz',
      'malformed Authorization header; expected "Bearer <API key or access token>"',
    );
    await expect401(
      'Bearer',
      'malformed Authorization header; expected "Bearer <API key or access token>"',
    );
    await expect401('Bearer vx_short', 'malformed API key');
    await expect401('Bearer not-a-token', 'malformed credential: neither an API key nor a JWT');
    await expect401(`Bearer vx_${'z'.repeat(40)}`, 'API key is invalid, revoked or expired');
  });

  it('accepts API keys until they are revoked', async () => {
    const owner = randomUUID();
    const key = await t.keyFor(owner, ['agents:read']);
    expect((await list(key.authorization)).statusCode).toBe(200);
    const wrongOwner = await t.app.inject({
      method: 'DELETE',
      url: `/v1/api-keys/${key.id}?ownerId=${randomUUID()}`,
      headers: t.admin,
    });
    expect(wrongOwner.statusCode).toBe(404);
    expect((await list(key.authorization)).statusCode).toBe(200);
    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/v1/api-keys/${key.id}?ownerId=${owner}`,
      headers: t.admin,
    });
    expect(revoked.statusCode).toBe(204);
    await expect401(key.authorization, 'API key is invalid, revoked or expired');
    const again = await t.app.inject({
      method: 'DELETE',
      url: `/v1/api-keys/${key.id}?ownerId=${owner}`,
      headers: t.admin,
    });
    expect(again.statusCode).toBe(404);
  });

  it('rejects expired API keys', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: t.admin,
      payload: {
        name: 'soon',
        scopes: ['agents:read'],
        expiresAt: new Date(Date.now() + 1500).toISOString(),
      },
    });
    const authorization = `Bearer ${created.json().key}`;
    expect((await list(authorization)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    await expect401(authorization, 'API key is invalid, revoked or expired');
  });

  it('verifies Supabase access tokens', async () => {
    const user = randomUUID();
    expect((await list(`Bearer ${await t.userToken(user)}`)).statusCode).toBe(200);
    await expect401(
      `Bearer ${await t.userToken(user, { expiresIn: Math.floor(Date.now() / 1000) - 60 })}`,
      'access token has expired',
    );
    await expect401(
      `Bearer ${await t.userToken(user, { secret: 'another-secret-another-secret-0000' })}`,
      'access token is invalid',
    );
    await expect401(
      `Bearer ${await t.userToken(user, { role: 'anon' })}`,
      'access token does not belong to a signed-in user',
    );
    const token = await t.userToken(user);
    const [header, payload] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ sub: randomUUID(), aud: 'authenticated', exp: 9999999999 }),
    ).toString('base64url');
    await expect401(`Bearer ${header}.${forged}.${token.split('.')[2]}`, 'access token is invalid');
    expect(payload).toBeTruthy();
  });

  it('gives end users every scope but admin', async () => {
    const authorization = `Bearer ${await t.userToken(randomUUID())}`;
    const response = await t.app.inject({
      method: 'GET',
      url: '/v1/api-keys',
      headers: { authorization },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().message).toBe('this credential lacks the "admin" scope');
  });

  it('refuses access tokens when Supabase is not configured', async () => {
    const bare = await createTestApp({ backend: 'pglite', env: { SUPABASE_JWT_SECRET: '' } });
    try {
      const response = await bare.app.inject({
        method: 'GET',
        url: '/v1/agents',
        headers: { authorization: `Bearer ${await bare.userToken(randomUUID())}` },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().message).toBe(
        'access tokens are not accepted: Supabase is not configured (use an API key)',
      );
    } finally {
      await bare.close();
    }
  });
});

describe('API keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ backend: 'pglite' });
  });
  afterAll(() => t.close());

  it('shows a key once and stores only its hash', async () => {
    const owner = randomUUID();
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: t.admin,
      payload: { name: 'ci', scopes: ['agents:read', 'agents:read'], ownerId: owner },
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body.key).toMatch(/^vx_[A-Za-z0-9_-]{43}$/);
    expect(body.prefix).toBe(body.key.slice(0, 10));
    expect(body.scopes).toEqual(['agents:read']);
    const listed = await t.app.inject({
      method: 'GET',
      url: `/v1/api-keys?ownerId=${owner}`,
      headers: t.admin,
    });
    expect(JSON.stringify(listed.json())).not.toContain(body.key);
    const row = await t.database.db.query.apiKeys.findFirst({
      where: (k, { eq }) => eq(k.id, body.id),
    });
    expect(JSON.stringify(row)).not.toContain(body.key);
  });

  it('validates scopes', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: t.admin,
      payload: { name: 'x', scopes: ['root'] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().issues[0].path).toBe('body.scopes.0');
  });
});
