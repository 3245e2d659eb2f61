import { CreateRoomRequest, Room } from '@livekit/protocol';
import { AccessToken } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopbackLiveKitServer, startLoopbackLiveKit } from './loopback-livekit-server.js';

let livekit: LoopbackLiveKitServer;
let adminToken: string;

beforeAll(async () => {
  livekit = await startLoopbackLiveKit();
  const at = new AccessToken(livekit.apiKey, livekit.apiSecret);
  at.addGrant({ roomCreate: true, roomList: true });
  adminToken = await at.toJwt();
});
afterAll(async () => {
  await livekit.close();
});

function post(path: string, body: string | Uint8Array, contentType = 'application/json') {
  return fetch(`${livekit.httpUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': contentType, Authorization: `Bearer ${adminToken}` },
    body,
  });
}

describe('Twirp wire format', () => {
  it('answers with proto field names and every default filled in, int64 as strings', async () => {
    const response = await post('/twirp/livekit.RoomService/CreateRoom', '{"name":"wire-1"}');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const json = (await response.json()) as Record<string, unknown>;
    expect(json).toMatchObject({
      name: 'wire-1',
      empty_timeout: 300,
      departure_timeout: 20,
      max_participants: 0,
      num_participants: 0,
      num_publishers: 0,
      active_recording: false,
      metadata: '',
      version: null,
    });
    expect(json.creation_time).toEqual(expect.stringMatching(/^\d+$/));
    expect(json.creation_time_ms).toEqual(expect.stringMatching(/^\d+$/));
    expect(json).not.toHaveProperty('emptyTimeout');
    // What the SDK does with it.
    expect(Room.fromJson(json as never, { ignoreUnknownFields: true }).emptyTimeout).toBe(300);
  });

  it('accepts and answers application/protobuf', async () => {
    const body = new CreateRoomRequest({ name: 'wire-proto', metadata: 'p' }).toBinary();
    const response = await post(
      '/twirp/livekit.RoomService/CreateRoom',
      body,
      'application/protobuf',
    );
    expect(response.headers.get('content-type')).toBe('application/protobuf');
    const room = Room.fromBinary(new Uint8Array(await response.arrayBuffer()));
    expect(room).toMatchObject({ name: 'wire-proto', metadata: 'p' });
  });

  it('answers malformed JSON with 400 malformed', async () => {
    for (const body of ['{not json', '{"name": 42}']) {
      const response = await post('/twirp/livekit.RoomService/CreateRoom', body);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        code: 'malformed',
        msg: 'the json request could not be decoded',
      });
    }
  });

  it('ignores unknown request fields like protojson with DiscardUnknown', async () => {
    const response = await post(
      '/twirp/livekit.RoomService/CreateRoom',
      '{"name":"wire-2","bogus":1}',
    );
    expect(response.status).toBe(200);
  });

  it('answers bad routes with 404 bad_route and the route in meta', async () => {
    const unknownMethod = await post('/twirp/livekit.RoomService/Explode', '{}');
    expect(unknownMethod.status).toBe(404);
    expect(await unknownMethod.json()).toEqual({
      code: 'bad_route',
      msg: 'no handler for path "/twirp/livekit.RoomService/Explode"',
      meta: { twirp_invalid_route: 'POST /twirp/livekit.RoomService/Explode' },
    });

    const wrongType = await post('/twirp/livekit.RoomService/ListRooms', '{}', 'text/plain');
    expect(wrongType.status).toBe(404);
    expect(await wrongType.json()).toMatchObject({
      code: 'bad_route',
      msg: 'unexpected Content-Type: "text/plain"',
    });

    const get = await fetch(`${livekit.httpUrl}/twirp/livekit.RoomService/ListRooms`);
    expect(get.status).toBe(404);
    expect(await get.json()).toMatchObject({
      code: 'bad_route',
      msg: 'unsupported method "GET" (only POST is allowed)',
    });
  });

  it('answers an unknown service from the mux, in plain text', async () => {
    const response = await post('/twirp/livekit.Egress/ListEgress', '{}');
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('404 page not found\n');
  });

  it('answers health checks on /', async () => {
    const response = await fetch(`${livekit.httpUrl}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('OK');
  });
});
