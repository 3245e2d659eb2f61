import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { ParticipantKind, RoomEvent } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import {
  type ParticipantLike,
  waitForCreator,
  watchCreatorPresence,
} from './creator-participant.js';
import { VOXIE_OWNER_ATTRIBUTE } from './job-decision.js';
import { captureLogger } from './test-helpers.js';

class FakeRoom extends EventEmitter {
  remoteParticipants = new Map<string, ParticipantLike>();
}

const owner = randomUUID();
const person = (identity: string, attributes: Record<string, string>, kind?: ParticipantKind) => ({
  identity,
  attributes,
  kind: kind ?? ParticipantKind.STANDARD,
});

describe('waitForCreator', () => {
  it('finds a participant already in the room whose attribute matches', async () => {
    const room = new FakeRoom();
    room.remoteParticipants.set('a', person('agent', {}, ParticipantKind.AGENT));
    room.remoteParticipants.set('p', person('p', { [VOXIE_OWNER_ATTRIBUTE]: owner }));
    const found = await waitForCreator(room, owner, 1000, captureLogger('t').logger);
    expect(found).toMatchObject({ ownerId: owner, participant: { identity: 'p' } });
  });

  it('ignores a participant claiming another owner, then takes the right one', async () => {
    const room = new FakeRoom();
    const log = captureLogger('t');
    const waiting = waitForCreator(room, owner, 2000, log.logger);
    room.emit(
      RoomEvent.ParticipantConnected,
      person('intruder', { [VOXIE_OWNER_ATTRIBUTE]: randomUUID() }),
    );
    room.emit(RoomEvent.ParticipantConnected, person('me', { [VOXIE_OWNER_ATTRIBUTE]: owner }));
    expect(await waiting).toMatchObject({ ownerId: owner, participant: { identity: 'me' } });
    expect(log.text()).toContain('"identity":"intruder"');
    expect(room.listenerCount(RoomEvent.ParticipantConnected)).toBe(0);
  });

  it('takes the owner from the attribute when the dispatch has none, once it is set', async () => {
    const room = new FakeRoom();
    const waiting = waitForCreator(room, undefined, 2000, captureLogger('t').logger);
    const joining = person('late', {});
    room.emit(RoomEvent.ParticipantConnected, joining);
    joining.attributes = { [VOXIE_OWNER_ATTRIBUTE]: owner };
    room.emit(RoomEvent.ParticipantAttributesChanged, joining.attributes, joining);
    expect(await waiting).toMatchObject({ ownerId: owner });
  });

  it('gives up after the timeout or when the room disconnects', async () => {
    expect(await waitForCreator(new FakeRoom(), owner, 20, captureLogger('t').logger)).toBe(
      undefined,
    );
    const room = new FakeRoom();
    const waiting = waitForCreator(room, owner, 5000, captureLogger('t').logger);
    room.emit(RoomEvent.Disconnected);
    expect(await waiting).toBeUndefined();
  });
});

describe('watchCreatorPresence', () => {
  it('ends the session only when the creator stays away longer than the grace period', async () => {
    const room = new FakeRoom();
    const me = person('me', { [VOXIE_OWNER_ATTRIBUTE]: owner });
    let gone = 0;
    const log = captureLogger('t');
    const dispose = watchCreatorPresence(room, 'me', 60, () => gone++, log.logger);

    room.emit(RoomEvent.ParticipantDisconnected, person('someone-else', {}));
    room.emit(RoomEvent.ParticipantDisconnected, me);
    await new Promise((resolve) => setTimeout(resolve, 20));
    room.emit(RoomEvent.ParticipantConnected, me); // a network blip: back in time
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(gone).toBe(0);
    expect(log.text()).toContain('"event":"voxie.creator_rejoined"');

    room.emit(RoomEvent.ParticipantDisconnected, me);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gone).toBe(1);
    dispose();
    expect(room.listenerCount(RoomEvent.ParticipantDisconnected)).toBe(0);
  });
});
