import { randomBytes } from 'node:crypto';
import {
  AccessToken,
  AgentDispatchClient,
  RoomAgentDispatch,
  RoomServiceClient,
  TwirpError,
} from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopbackLiveKitServer, startLoopbackLiveKit } from './loopback-livekit-server.js';

let livekit: LoopbackLiveKitServer;
let dispatches: AgentDispatchClient;
let rooms: RoomServiceClient;

beforeAll(async () => {
  livekit = await startLoopbackLiveKit();
  dispatches = new AgentDispatchClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
  rooms = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
});
afterAll(async () => {
  await livekit.close();
});

const uniqueRoom = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;

async function twirpFailure(call: Promise<unknown>): Promise<TwirpError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TwirpError);
  return error as TwirpError;
}

describe('AgentDispatchService through AgentDispatchClient', () => {
  it('creates a dispatch, auto-creating the room, and lists it', async () => {
    const room = uniqueRoom('agent');
    const created = await dispatches.createDispatch(room, 'spawner', {
      metadata: '{"agentId":"a"}',
    });
    expect(created.id).toMatch(/^AD_/);
    expect(created).toMatchObject({ agentName: 'spawner', room, metadata: '{"agentId":"a"}' });
    expect(livekit.room(room)?.sid).toMatch(/^RM_/);

    const listed = await dispatches.listDispatch(room);
    expect(listed.map((d) => d.id)).toEqual([created.id]);
    expect((await dispatches.getDispatch(created.id, room))?.agentName).toBe('spawner');
    expect(await dispatches.getDispatch('AD_unknown', room)).toBeUndefined();
  });

  it('adds a duplicate dispatch on every CreateDispatch, like the server', async () => {
    const room = uniqueRoom('dup');
    const first = await dispatches.createDispatch(room, 'spawner');
    const second = await dispatches.createDispatch(room, 'spawner');
    expect(second.id).not.toBe(first.id);
    expect((await dispatches.listDispatch(room)).map((d) => d.agentName)).toEqual([
      'spawner',
      'spawner',
    ]);
  });

  it('turns CreateRoom agents into dispatches when the room starts', async () => {
    const room = uniqueRoom('with-agents');
    await rooms.createRoom({
      name: room,
      agents: [new RoomAgentDispatch({ agentName: 'voxie', metadata: '{"ownerId":"o"}' })],
    });
    const listed = await dispatches.listDispatch(room);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ agentName: 'voxie', metadata: '{"ownerId":"o"}', room });

    // Agents on a CreateRoom for a room that already runs are not dispatched again.
    await rooms.createRoom({ name: room, agents: [new RoomAgentDispatch({ agentName: 'voxie' })] });
    expect(await dispatches.listDispatch(room)).toHaveLength(1);
  });

  it('deletes a dispatch and answers not_found for unknown ones', async () => {
    const room = uniqueRoom('del');
    const created = await dispatches.createDispatch(room, 'spawner');
    await dispatches.deleteDispatch(created.id, room);
    expect(await dispatches.listDispatch(room)).toEqual([]);
    const error = await twirpFailure(dispatches.deleteDispatch(created.id, room));
    expect(error).toMatchObject({
      status: 404,
      code: 'not_found',
      message: 'dispatch ID not found',
    });
  });

  it('drops the dispatches of a deleted room', async () => {
    const room = uniqueRoom('room-gone');
    await dispatches.createDispatch(room, 'spawner');
    await rooms.deleteRoom(room);
    expect(livekit.dispatches(room)).toEqual([]);
    const error = await twirpFailure(dispatches.listDispatch(room));
    expect(error).toMatchObject({
      status: 404,
      code: 'not_found',
      message: 'requested room does not exist',
    });
  });

  it('needs roomAdmin for the request room', async () => {
    const room = uniqueRoom('grant');
    const at = new AccessToken(livekit.apiKey, livekit.apiSecret);
    at.addGrant({ roomAdmin: true, room: 'some-other-room' });
    const client = new AgentDispatchClient(livekit.httpUrl, undefined, undefined, {
      token: await at.toJwt(),
    });
    for (const call of [client.createDispatch(room, 'spawner'), client.listDispatch(room)]) {
      expect(await twirpFailure(call)).toMatchObject({
        status: 401,
        code: 'unauthenticated',
        message: 'permissions denied',
      });
    }
    expect(livekit.room(room)).toBeUndefined();
  });

  it('records the dispatch request as the SDK sent it', async () => {
    const room = uniqueRoom('rec');
    await dispatches.createDispatch(room, 'spawner', { metadata: 'm' });
    const recorded = livekit.requestsFor('CreateDispatch').at(-1);
    expect(recorded).toMatchObject({
      service: 'AgentDispatchService',
      body: { room, agentName: 'spawner', metadata: 'm' },
      status: 200,
    });
    expect(recorded?.grants?.video).toEqual({ roomAdmin: true, room });
  });

  it('can be told to fail CreateDispatch', async () => {
    const room = uniqueRoom('fail');
    livekit.failNext('AgentDispatchService.CreateDispatch', { code: 'internal', msg: 'boom' });
    expect(await twirpFailure(dispatches.createDispatch(room, 'spawner'))).toMatchObject({
      status: 500,
      code: 'internal',
      message: 'boom',
    });
    expect(livekit.dispatches(room)).toEqual([]);
  });
});
