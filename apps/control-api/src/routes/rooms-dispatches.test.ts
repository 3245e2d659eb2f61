import { randomUUID } from 'node:crypto';
import { type LoopbackLiveKitServer, startLoopbackLiveKit } from '@voxie/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, livekitEnvFor, type TestApp } from '../test-app.js';

describe('rooms and dispatches API', () => {
  let livekit: LoopbackLiveKitServer;
  let t: TestApp;

  beforeAll(async () => {
    livekit = await startLoopbackLiveKit();
    t = await createTestApp({
      env: {
        ...livekitEnvFor(livekit),
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await livekit.close();
  });

  const dispatch = (room: string, agentName: string) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/dispatches',
      headers: t.admin,
      payload: { room, agentName, metadata: '{"k":1}' },
    });

  it('dispatches an agent into a room once, however often and concurrently asked', async () => {
    const room = `room-${randomUUID()}`;
    const responses = await Promise.all(Array.from({ length: 5 }, () => dispatch(room, 'spawner')));
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => r.json().id)).size).toBe(1);
    expect(livekit.dispatches(room).map((d) => d.agentName)).toEqual(['spawner']);

    expect((await dispatch(room, 'voxie')).statusCode).toBe(201);
    const listed = await t.app.inject({
      method: 'GET',
      url: `/v1/dispatches?room=${room}`,
      headers: t.admin,
    });
    expect(
      listed
        .json()
        .items.map((d: { agentName: string }) => d.agentName)
        .sort(),
    ).toEqual(['spawner', 'voxie']);

    const id = responses[0]?.json().id;
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/v1/dispatches/${id}?room=${room}`,
      headers: t.admin,
    });
    expect(removed.statusCode).toBe(204);
    expect(livekit.dispatches(room).map((d) => d.agentName)).toEqual(['voxie']);
  });

  it('lists and deletes rooms', async () => {
    await dispatch('listed-room', 'spawner');
    const rooms = await t.app.inject({ method: 'GET', url: '/v1/rooms', headers: t.admin });
    expect(rooms.statusCode).toBe(200);
    expect(rooms.json().items.map((r: { name: string }) => r.name)).toContain('listed-room');
    expect(
      (await t.app.inject({ method: 'DELETE', url: '/v1/rooms/listed-room', headers: t.admin }))
        .statusCode,
    ).toBe(204);
    expect(livekit.room('listed-room')).toBeUndefined();
  });

  it('validates input and requires admin', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/dispatches',
      headers: t.admin,
      payload: { room: '', agentName: 'has space' },
    });
    expect(bad.statusCode).toBe(400);
    expect([...new Set(bad.json().issues.map((i: { path: string }) => i.path))].sort()).toEqual([
      'body.agentName',
      'body.room',
    ]);
    const user = { authorization: `Bearer ${await t.userToken(randomUUID())}` };
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/rooms', headers: user })).statusCode,
    ).toBe(403);
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/dispatches', headers: t.admin })).statusCode,
    ).toBe(400);
  });

  it('maps LiveKit failures to 502/503', async () => {
    livekit.failNext('ListRooms', { status: 401, code: 'unauthenticated', msg: 'invalid token' });
    const refused = await t.app.inject({ method: 'GET', url: '/v1/rooms', headers: t.admin });
    expect(refused.statusCode).toBe(502);
    await livekit.down();
    try {
      const down = await t.app.inject({ method: 'GET', url: '/v1/rooms', headers: t.admin });
      expect(down.statusCode).toBe(503);
      expect(down.json().message).toBe('LiveKit server is unreachable; could not list rooms');
    } finally {
      await livekit.up();
    }
  });
});
