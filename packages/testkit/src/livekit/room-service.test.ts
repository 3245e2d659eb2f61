import { randomBytes } from 'node:crypto';
import { AccessToken, RoomServiceClient, TwirpError } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHs256Jwt } from './jwt.js';
import { type LoopbackLiveKitServer, startLoopbackLiveKit } from './loopback-livekit-server.js';

let livekit: LoopbackLiveKitServer;
let rooms: RoomServiceClient;

beforeAll(async () => {
  livekit = await startLoopbackLiveKit();
  rooms = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
});
afterAll(async () => {
  await livekit.close();
});

const uniqueRoom = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;

/** Expects the SDK call to fail with a TwirpError and returns it. */
async function twirpFailure(call: Promise<unknown>): Promise<TwirpError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TwirpError);
  return error as TwirpError;
}

/** A client that sends this exact token instead of signing its own. */
function clientWithToken(token: string): RoomServiceClient {
  return new RoomServiceClient(livekit.httpUrl, undefined, undefined, { token });
}

async function tokenWith(grant: Parameters<AccessToken['addGrant']>[0]): Promise<string> {
  const at = new AccessToken(livekit.apiKey, livekit.apiSecret, { ttl: '1m', identity: 'tester' });
  at.addGrant(grant);
  return at.toJwt();
}

describe('RoomService through RoomServiceClient', () => {
  it('creates a room with the server defaults and returns the same room for the same name', async () => {
    const name = uniqueRoom('agent');
    const created = await rooms.createRoom({ name, metadata: '{"a":1}' });
    expect(created.sid).toMatch(/^RM_[2-9A-HJ-NP-Za-km-z]{12}$/);
    expect(created).toMatchObject({
      name,
      metadata: '{"a":1}',
      emptyTimeout: 300,
      departureTimeout: 20,
    });
    expect(Number(created.creationTime)).toBeCloseTo(Date.now() / 1000, -1);

    const again = await rooms.createRoom({ name, emptyTimeout: 60 });
    expect(again.sid).toBe(created.sid);
    // CreateRoom on an existing name updates the room like the server's allocator does.
    expect(again).toMatchObject({ emptyTimeout: 60, metadata: '{"a":1}' });
    expect(livekit.rooms().filter((r) => r.name === name)).toHaveLength(1);
  });

  it('lists all rooms or the named ones', async () => {
    const a = uniqueRoom('list');
    const b = uniqueRoom('list');
    await rooms.createRoom({ name: a });
    await rooms.createRoom({ name: b });
    const all = (await rooms.listRooms()).map((r) => r.name);
    expect(all).toEqual(expect.arrayContaining([a, b]));
    expect((await rooms.listRooms([b, 'no-such-room'])).map((r) => r.name)).toEqual([b]);
  });

  it('updates room metadata and answers not_found for a missing room', async () => {
    const name = uniqueRoom('meta');
    await rooms.createRoom({ name });
    const updated = await rooms.updateRoomMetadata(name, 'new');
    expect(updated.metadata).toBe('new');
    expect(livekit.room(name)?.metadata).toBe('new');

    const error = await twirpFailure(rooms.updateRoomMetadata(uniqueRoom('missing'), 'x'));
    expect(error).toMatchObject({
      status: 404,
      code: 'not_found',
      message: 'requested room does not exist',
    });
  });

  it('rejects metadata over the size limit with invalid_argument', async () => {
    const name = uniqueRoom('big');
    await rooms.createRoom({ name });
    const error = await twirpFailure(rooms.updateRoomMetadata(name, 'x'.repeat(64_001)));
    expect(error).toMatchObject({ status: 400, code: 'invalid_argument' });
  });

  it('lists, gets and removes participants a test put in the room', async () => {
    const name = uniqueRoom('people');
    await rooms.createRoom({ name });
    livekit.addParticipant(name, { identity: 'caller', name: 'Caller', attributes: { k: 'v' } });
    const listed = await rooms.listParticipants(name);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ identity: 'caller', name: 'Caller', attributes: { k: 'v' } });
    expect(listed[0]?.sid).toMatch(/^PA_/);
    expect((await rooms.listRooms([name]))[0]?.numParticipants).toBe(1);
    expect((await rooms.getParticipant(name, 'caller')).identity).toBe('caller');

    await rooms.removeParticipant(name, 'caller');
    expect(await rooms.listParticipants(name)).toEqual([]);
    const error = await twirpFailure(rooms.removeParticipant(name, 'caller'));
    expect(error).toMatchObject({
      status: 404,
      code: 'not_found',
      message: 'participant not found',
    });
  });

  it('lists no participants for an unknown room (like the server store)', async () => {
    expect(await rooms.listParticipants(uniqueRoom('nobody'))).toEqual([]);
  });

  it('deletes a room and answers not_found for an unknown one', async () => {
    const name = uniqueRoom('gone');
    await rooms.createRoom({ name });
    await rooms.deleteRoom(name);
    expect(livekit.room(name)).toBeUndefined();
    const error = await twirpFailure(rooms.deleteRoom(name));
    expect(error).toMatchObject({ status: 404, code: 'not_found', message: 'room not found' });
  });

  it('records each call with its body and decoded grants', async () => {
    const name = uniqueRoom('rec');
    await rooms.createRoom({ name, maxParticipants: 2 });
    const recorded = livekit.requestsFor('RoomService.CreateRoom').at(-1);
    expect(recorded).toMatchObject({
      service: 'RoomService',
      method: 'CreateRoom',
      body: { name, maxParticipants: 2 },
      apiKey: livekit.apiKey,
      status: 200,
    });
    expect(recorded?.grants?.video).toEqual({ roomCreate: true });
  });
});

describe('grant checks (answered as the server does: 401 unauthenticated "permissions denied")', () => {
  it('needs roomCreate for CreateRoom and DeleteRoom', async () => {
    const client = clientWithToken(await tokenWith({ roomList: true, roomAdmin: true }));
    for (const call of [client.createRoom({ name: uniqueRoom('x') }), client.deleteRoom('x')]) {
      const error = await twirpFailure(call);
      expect(error).toMatchObject({
        status: 401,
        code: 'unauthenticated',
        message: 'permissions denied',
      });
    }
  });

  it('needs roomList for ListRooms', async () => {
    const error = await twirpFailure(
      clientWithToken(await tokenWith({ roomCreate: true })).listRooms(),
    );
    expect(error).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it('needs roomAdmin for exactly the request room', async () => {
    const name = uniqueRoom('admin');
    await rooms.createRoom({ name });
    const otherRoom = clientWithToken(await tokenWith({ roomAdmin: true, room: 'another-room' }));
    const noAdmin = clientWithToken(await tokenWith({ room: name, roomJoin: true }));
    const allowed = clientWithToken(await tokenWith({ roomAdmin: true, room: name }));
    for (const call of [otherRoom.listParticipants(name), noAdmin.updateRoomMetadata(name, 'm')]) {
      expect(await twirpFailure(call)).toMatchObject({ status: 401, code: 'unauthenticated' });
    }
    expect(await allowed.listParticipants(name)).toEqual([]);
  });

  it('treats a request without a token as having no grants', async () => {
    const response = await fetch(`${livekit.httpUrl}/twirp/livekit.RoomService/ListRooms`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: 'unauthenticated', msg: 'permissions denied' });
  });
});

describe('token verification (the middleware answers 401 in plain text, so the SDK has no code)', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const signed = (claims: Record<string, unknown>, secret = livekit.apiSecret) =>
    signHs256Jwt({ iss: livekit.apiKey, video: { roomList: true }, ...claims }, secret);

  it('rejects a token signed with another secret', async () => {
    const client = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, 'not-the-secret');
    const error = await twirpFailure(client.listRooms());
    expect(error.status).toBe(401);
    expect(error.code).toBeUndefined();
    expect(error.message).toMatch(/^invalid authorization token/);
  });

  it('rejects an unknown API key', async () => {
    const client = new RoomServiceClient(livekit.httpUrl, 'APIunknown', livekit.apiSecret);
    const error = await twirpFailure(client.listRooms());
    expect(error).toMatchObject({ status: 401, message: 'invalid API key' });
  });

  it('accepts every configured key pair', async () => {
    const multi = await startLoopbackLiveKit({ extraKeys: { APIsecond: 'second-secret' } });
    try {
      const second = new RoomServiceClient(multi.httpUrl, 'APIsecond', 'second-secret');
      await expect(second.listRooms()).resolves.toEqual([]);
      expect(multi.requests.at(-1)?.apiKey).toBe('APIsecond');
    } finally {
      await multi.close();
    }
  });

  it('rejects expired tokens beyond the 60 s leeway and accepts them within it', async () => {
    const expired = clientWithToken(signed({ nbf: now() - 600, exp: now() - 120 }));
    expect((await twirpFailure(expired.listRooms())).status).toBe(401);
    const withinLeeway = clientWithToken(signed({ nbf: now() - 600, exp: now() - 20 }));
    await expect(withinLeeway.listRooms()).resolves.toBeInstanceOf(Array);
  });

  it('honours nbf', async () => {
    const early = clientWithToken(signed({ nbf: now() + 300, exp: now() + 600 }));
    expect((await twirpFailure(early.listRooms())).status).toBe(401);
  });

  it('requires exp', async () => {
    const noExp = clientWithToken(signed({ nbf: now() - 5 }));
    expect((await twirpFailure(noExp.listRooms())).status).toBe(401);
  });

  it('accepts HS256 only', async () => {
    const token = signed({ nbf: now() - 5, exp: now() + 60 });
    const [, payload, signature] = token.split('.');
    const hs512Header = Buffer.from(JSON.stringify({ alg: 'HS512', typ: 'JWT' })).toString(
      'base64url',
    );
    const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString(
      'base64url',
    );
    for (const forged of [`${hs512Header}.${payload}.${signature}`, `${noneHeader}.${payload}.`]) {
      expect((await twirpFailure(clientWithToken(forged).listRooms())).status).toBe(401);
    }
  });

  it('rejects an Authorization header that is not Bearer', async () => {
    const response = await fetch(`${livekit.httpUrl}/twirp/livekit.RoomService/ListRooms`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Basic abc' },
      body: '{}',
    });
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('invalid authorization header. Must start with Bearer ');
  });
});

describe('fault injection', () => {
  it('fails the next N calls of a method with the given Twirp error, without touching state', async () => {
    const name = uniqueRoom('fail');
    livekit.failNext('CreateRoom', { code: 'unavailable', msg: 'node unavailable', times: 2 });
    for (let i = 0; i < 2; i++) {
      const error = await twirpFailure(rooms.createRoom({ name }));
      expect(error).toMatchObject({
        status: 503,
        code: 'unavailable',
        message: 'node unavailable',
      });
    }
    expect(livekit.room(name)).toBeUndefined();
    await expect(rooms.createRoom({ name })).resolves.toMatchObject({ name });
    expect(
      livekit
        .requestsFor('CreateRoom')
        .slice(-3)
        .map((r) => r.injected),
    ).toEqual(['fail', 'fail', undefined]);
  });

  it('can fail with any status and code', async () => {
    livekit.failNext('RoomService.ListRooms', {
      code: 'internal',
      status: 502,
      msg: 'bad gateway',
    });
    expect(await twirpFailure(rooms.listRooms())).toMatchObject({ status: 502, code: 'internal' });
  });

  it('stalls the next call, which the SDK times out', async () => {
    livekit.stallNext('ListRooms', 1_500);
    const impatient = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret, {
      requestTimeout: 0.3,
    });
    const started = Date.now();
    await expect(impatient.listRooms()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_400);

    livekit.stallNext('ListRooms', 300);
    const stalledStart = Date.now();
    await rooms.listRooms();
    expect(Date.now() - stalledStart).toBeGreaterThanOrEqual(290);
  });

  it('goes down (connection refused) and comes back with its state', async () => {
    const name = uniqueRoom('down');
    await rooms.createRoom({ name });
    await livekit.down();
    expect(livekit.isDown).toBe(true);
    const error = await rooms.listRooms().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TwirpError);
    expect(String((error as Error).cause)).toMatch(/ECONNREFUSED/);

    await livekit.up();
    expect((await rooms.listRooms([name])).map((r) => r.name)).toEqual([name]);
  });
});
