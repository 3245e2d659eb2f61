import { randomUUID } from 'node:crypto';
import { TokenVerifier } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-app.js';

describe('POST /v1/tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ backend: 'pglite' });
  });
  afterAll(() => t.close());

  const mint = (payload: unknown, headers = t.admin) =>
    t.app.inject({ method: 'POST', url: '/v1/tokens', headers, payload: payload as object });

  it('mints a token the SDK verifies, with exactly the requested room grants', async () => {
    const response = await mint({
      room: 'support-room',
      identity: 'operator-1',
      name: 'Operator',
      ttlSeconds: 120,
      attributes: { team: 'ops' },
      grants: { canPublish: false, canSubscribe: true, hidden: true },
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    const claims = await new TokenVerifier(t.env.LIVEKIT_API_KEY, t.env.LIVEKIT_API_SECRET).verify(
      body.token,
    );
    expect(claims.sub).toBe('operator-1');
    expect(claims.iss).toBe(t.env.LIVEKIT_API_KEY);
    expect(claims.name).toBe('Operator');
    expect(claims.attributes).toEqual({ team: 'ops' });
    expect(claims.video).toEqual({
      room: 'support-room',
      roomJoin: true,
      canPublish: false,
      canSubscribe: true,
      hidden: true,
    });
    expect(Number(claims.exp) - Number(claims.nbf)).toBe(120);
    expect(new Date(body.expiresAt).getTime()).toBe(Number(claims.exp) * 1000);
  });

  it('refuses grants beyond policy, naming each', async () => {
    const response = await mint({
      room: 'r',
      identity: 'x',
      grants: { roomAdmin: true, roomCreate: true, canPublish: true },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().issues).toEqual([
      { path: 'body.grants.roomAdmin', message: 'not allowed by token policy' },
      { path: 'body.grants.roomCreate', message: 'not allowed by token policy' },
    ]);
    const typo = await mint({ room: 'r', identity: 'x', grants: { canPublsh: true } });
    expect(typo.statusCode).toBe(400);
    expect(typo.json().issues[0].path).toBe('body.grants');
    const ttl = await mint({ room: 'r', identity: 'x', ttlSeconds: 10 * 86_400 });
    expect(ttl.statusCode).toBe(400);
    expect(ttl.json().issues[0].path).toBe('body.ttlSeconds');
    const room = await mint({ room: 'a/b', identity: 'x' });
    expect(room.json().issues[0].path).toBe('body.room');
  });

  it('is for admins only', async () => {
    const user = { authorization: `Bearer ${await t.userToken(randomUUID())}` };
    expect((await mint({ room: 'r', identity: 'x' }, user)).statusCode).toBe(403);
  });
});
