import { randomUUID } from 'node:crypto';
import { SessionRepository, TranscriptRepository } from '@voxie/db';
import { type LoopbackLiveKitServer, startLoopbackLiveKit } from '@voxie/testkit';
import { TokenVerifier } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, definition, livekitEnvFor, type TestApp } from '../test-app.js';

describe('sessions API', () => {
  let livekit: LoopbackLiveKitServer;
  let t: TestApp;
  let ownerId: string;
  let user: { authorization: string };
  let publishedId: string;

  beforeAll(async () => {
    livekit = await startLoopbackLiveKit();
    t = await createTestApp({
      env: {
        ...livekitEnvFor(livekit),
        LIVEKIT_PUBLIC_URL: 'wss://voice.example.com',
        LIVEKIT_REQUEST_TIMEOUT_SECONDS: '1',
        SESSION_TOKEN_TTL_SECONDS: '300',
      },
    });
    ownerId = randomUUID();
    user = { authorization: `Bearer ${await t.userToken(ownerId)}` };
    publishedId = await createAgent(user, true);
  });
  afterAll(async () => {
    await t.close();
    await livekit.close();
  });

  async function createAgent(
    headers: { authorization: string },
    publish: boolean,
  ): Promise<string> {
    const id = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/agents',
        headers,
        payload: { definition: definition() },
      })
    ).json().id;
    if (publish) await t.app.inject({ method: 'POST', url: `/v1/agents/${id}/publish`, headers });
    return id;
  }
  const start = (agentId: string, headers = user, extra: object = {}) =>
    t.app.inject({ method: 'POST', url: '/v1/sessions', headers, payload: { agentId, ...extra } });
  const sessionCount = async () =>
    (await new SessionRepository(t.database.db).list(ownerId, { limit: 100 })).items.length;

  it('creates the room with an explicit spawner dispatch and returns a least-privilege token', async () => {
    const response = await start(publishedId, user, { participantName: 'Ada' });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.roomName).toMatch(new RegExp(`^agent-${publishedId}-[A-Za-z0-9]{12}$`));
    expect(body.url).toBe('wss://voice.example.com');

    const room = livekit.room(body.roomName);
    expect(room).toBeDefined();
    const dispatches = livekit.dispatches(body.roomName);
    expect(dispatches.map((d) => d.agentName)).toEqual(['spawner']);
    const metadata = JSON.parse(dispatches[0]?.metadata ?? '{}');
    const agent = (
      await t.app.inject({ method: 'GET', url: `/v1/agents/${publishedId}`, headers: user })
    ).json();
    expect(metadata).toEqual({
      agentId: publishedId,
      versionId: expect.any(String),
      ownerId,
      sessionId: body.sessionId,
    });
    expect(agent.publishedVersion).toBe(1);

    const claims = await new TokenVerifier(livekit.apiKey, livekit.apiSecret).verify(body.token);
    expect(claims.sub).toBe(`user-${ownerId}`);
    expect(claims.name).toBe('Ada');
    expect(claims.video).toEqual({
      room: body.roomName,
      roomJoin: true,
      canPublish: true,
      canPublishSources: ['microphone'],
      canSubscribe: true,
      canPublishData: true,
    });
    expect(Number(claims.exp) - Number(claims.nbf)).toBe(300);
    expect(new Date(body.expiresAt).getTime()).toBe(Number(claims.exp) * 1000);

    const session = await t.app.inject({
      method: 'GET',
      url: `/v1/sessions/${body.sessionId}`,
      headers: user,
    });
    expect(session.json()).toMatchObject({
      id: body.sessionId,
      status: 'created',
      roomName: body.roomName,
      agentId: publishedId,
      transcript: [],
    });
  });

  it('refuses agents that cannot be called', async () => {
    const draft = await createAgent(user, false);
    const unpublished = await start(draft);
    expect(unpublished.statusCode).toBe(409);
    expect(unpublished.json().message).toBe('agent has no published version; publish it first');

    const stranger = { authorization: `Bearer ${await t.userToken(randomUUID())}` };
    expect((await start(publishedId, stranger)).statusCode).toBe(404);
    const invalid = await start('nope');
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().issues[0].path).toBe('body.agentId');
    const noScope = await t.keyFor(ownerId, ['agents:read']);
    expect((await start(publishedId, noScope)).statusCode).toBe(403);
  });

  it('answers 503 when LiveKit is down, and leaves no session row', async () => {
    const before = await sessionCount();
    await livekit.down();
    try {
      const response = await start(publishedId);
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        error: 'livekit_unavailable',
        message: 'LiveKit server is unreachable; could not create room',
      });
    } finally {
      await livekit.up();
    }
    expect(await sessionCount()).toBe(before);
  });

  it('answers 502 when LiveKit refuses, 503 when it stalls or fails, and leaves no session row', async () => {
    const before = await sessionCount();
    livekit.failNext('CreateRoom', {
      status: 403,
      code: 'permission_denied',
      msg: 'no permissions to access the room',
    });
    const refused = await start(publishedId);
    expect(refused.statusCode).toBe(502);
    expect(refused.json().message).toBe(
      'LiveKit refused to create room: permission_denied no permissions to access the room',
    );

    livekit.failNext('CreateRoom', { status: 500, code: 'internal', msg: 'boom' });
    expect((await start(publishedId)).statusCode).toBe(503);

    livekit.stallNext('CreateRoom', 2_500);
    const stalled = await start(publishedId);
    expect(stalled.statusCode).toBe(503);
    expect(stalled.json().message).toBe('LiveKit server timed out; could not create room');
    expect(await sessionCount()).toBe(before);
  });

  it('starts Voxie creation sessions carrying the owner', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/voxie/sessions',
      headers: user,
      payload: {},
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.roomName).toMatch(/^voxie-creation-[A-Za-z0-9]{12}$/);
    const [dispatch] = livekit.dispatches(body.roomName);
    expect(dispatch?.agentName).toBe('voxie');
    expect(JSON.parse(dispatch?.metadata ?? '{}')).toEqual({ ownerId, sessionId: body.sessionId });
    const claims = await new TokenVerifier(livekit.apiKey, livekit.apiSecret).verify(body.token);
    expect(claims.attributes).toEqual({ 'voxie.owner_id': ownerId });

    const editing = await t.app.inject({
      method: 'POST',
      url: '/v1/voxie/sessions',
      headers: user,
      payload: { agentId: publishedId },
    });
    expect(
      JSON.parse(livekit.dispatches(editing.json().roomName)[0]?.metadata ?? '{}').agentId,
    ).toBe(publishedId);
    const foreign = await t.app.inject({
      method: 'POST',
      url: '/v1/voxie/sessions',
      headers: { authorization: `Bearer ${await t.userToken(randomUUID())}` },
      payload: { agentId: publishedId },
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('returns a session with its transcript, and lists sessions by filter', async () => {
    const started = (await start(publishedId)).json();
    await new TranscriptRepository(t.database.db).append(started.sessionId, [
      { type: 'message', role: 'assistant', content: { text: 'Hello! How can I help?' } },
      { type: 'message', role: 'user', content: { text: 'Where is my order?' } },
    ]);
    const session = await t.app.inject({
      method: 'GET',
      url: `/v1/sessions/${started.sessionId}`,
      headers: user,
    });
    expect(
      session
        .json()
        .transcript.map((i: { seq: number; content: { text: string } }) => [i.seq, i.content.text]),
    ).toEqual([
      [0, 'Hello! How can I help?'],
      [1, 'Where is my order?'],
    ]);
    const stranger = { authorization: `Bearer ${await t.userToken(randomUUID())}` };
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/v1/sessions/${started.sessionId}`,
          headers: stranger,
        })
      ).statusCode,
    ).toBe(404);

    const voxie = await t.app.inject({
      method: 'GET',
      url: '/v1/sessions?kind=voxie',
      headers: user,
    });
    expect(voxie.json().items.every((s: { kind: string }) => s.kind === 'voxie')).toBe(true);
    const byAgent = await t.app.inject({
      method: 'GET',
      url: `/v1/sessions?agentId=${publishedId}&limit=1`,
      headers: user,
    });
    expect(byAgent.json().items).toHaveLength(1);
    expect(byAgent.json().nextCursor).toEqual(expect.any(String));
    const bad = await t.app.inject({
      method: 'GET',
      url: '/v1/sessions?status=weird',
      headers: user,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toBe('querystring.status');
  });
});
