import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-app.js';

describe('Supabase tokens signed with asymmetric keys (JWKS)', () => {
  let jwks: Server;
  let t: TestApp;
  let sign: (sub: string, kid?: string) => Promise<string>;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' };
    jwks = createServer((req, res) => {
      if (req.url !== '/auth/v1/.well-known/jwks.json') return void res.writeHead(404).end();
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
    t = await createTestApp({
      backend: 'pglite',
      env: { SUPABASE_URL: url, SUPABASE_JWT_SECRET: '' },
    });
    sign = (sub, kid = 'key-1') =>
      new SignJWT({ role: 'authenticated' })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setSubject(sub)
        .setAudience('authenticated')
        .setExpirationTime('1h')
        .sign(privateKey);
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  it('accepts tokens verified against the project JWKS and scopes to their subject', async () => {
    const user = randomUUID();
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/agents',
      headers: { authorization: `Bearer ${await sign(user)}` },
      payload: {
        definition: {
          schemaVersion: 1,
          name: 'A',
          instructions: 'x',
          greeting: { mode: 'wait' },
          llm: { provider: 'openai', model: 'm' },
          stt: { provider: 'deepgram', model: 'nova-3' },
          tts: { provider: 'cartesia', voice: 'v' },
        },
      },
    });
    expect(created.statusCode).toBe(201);
    const other = await t.app.inject({
      method: 'GET',
      url: `/v1/agents/${created.json().id}`,
      headers: { authorization: `Bearer ${await sign(randomUUID())}` },
    });
    expect(other.statusCode).toBe(404);
  });

  it('rejects tokens from keys the JWKS does not hold, and HS256 tokens without a secret', async () => {
    const unknownKid = await t.app.inject({
      method: 'GET',
      url: '/v1/agents',
      headers: { authorization: `Bearer ${await sign(randomUUID(), 'key-2')}` },
    });
    expect(unknownKid.statusCode).toBe(401);
    const hs = await t.userToken(randomUUID());
    const response = await t.app.inject({
      method: 'GET',
      url: '/v1/agents',
      headers: { authorization: `Bearer ${hs}` },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().message).toBe('access token is invalid');
  });
});
