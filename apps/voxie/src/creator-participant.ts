import { ParticipantKind, RoomEvent } from '@livekit/rtc-node';
import type { Logger } from '@voxie/config';
import { resolveOwner } from './job-decision.js';

/** The parts of a remote participant the lookup reads. */
export interface ParticipantLike {
  identity: string;
  kind?: ParticipantKind;
  attributes: Record<string, string>;
}

/** The parts of a connected room the lookup uses (an rtc-node `Room` fits). */
export interface RoomLike<P extends ParticipantLike> {
  remoteParticipants: ReadonlyMap<string, P>;
  on(event: RoomEvent.ParticipantConnected, listener: (participant: P) => void): unknown;
  on(
    event: RoomEvent.ParticipantAttributesChanged,
    listener: (changed: Record<string, string>, participant: P) => void,
  ): unknown;
  on(event: RoomEvent.Disconnected, listener: () => void): unknown;
  on(event: RoomEvent.ParticipantDisconnected, listener: (participant: P) => void): unknown;
  off(event: RoomEvent.ParticipantDisconnected, listener: (participant: P) => void): unknown;
  off(event: RoomEvent.ParticipantConnected, listener: (participant: P) => void): unknown;
  off(
    event: RoomEvent.ParticipantAttributesChanged,
    listener: (changed: Record<string, string>, participant: P) => void,
  ): unknown;
  off(event: RoomEvent.Disconnected, listener: () => void): unknown;
}

/**
 * Waits for the person Voxie works for: the first non-agent participant whose owner attribute
 * agrees with the dispatch (see {@link resolveOwner}). Participants that contradict it are
 * ignored (and logged). Resolves undefined after `timeoutMs` or when the room disconnects.
 */
export function waitForCreator<P extends ParticipantLike>(
  room: RoomLike<P>,
  dispatchOwnerId: string | undefined,
  timeoutMs: number,
  logger: Logger,
): Promise<{ participant: P; ownerId: string } | undefined> {
  const check = (participant: P): { participant: P; ownerId: string } | undefined => {
    if (participant.kind === ParticipantKind.AGENT) return undefined;
    const owner = resolveOwner(dispatchOwnerId, participant.attributes);
    if (owner.ok) return { participant, ownerId: owner.ownerId };
    logger.warn(
      { event: 'voxie.participant_ignored', identity: participant.identity, reason: owner.reason },
      'participant is not the creator this job is for',
    );
    return undefined;
  };
  for (const participant of room.remoteParticipants.values()) {
    const found = check(participant);
    if (found) return Promise.resolve(found);
  }
  return new Promise((resolve) => {
    const finish = (value: { participant: P; ownerId: string } | undefined) => {
      clearTimeout(timer);
      room.off(RoomEvent.ParticipantConnected, onConnected);
      room.off(RoomEvent.ParticipantAttributesChanged, onAttributes);
      room.off(RoomEvent.Disconnected, onDisconnected);
      resolve(value);
    };
    const onConnected = (participant: P) => {
      const found = check(participant);
      if (found) finish(found);
    };
    const onAttributes = (_changed: Record<string, string>, participant: P) =>
      onConnected(participant);
    const onDisconnected = () => finish(undefined);
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    room.on(RoomEvent.ParticipantConnected, onConnected);
    room.on(RoomEvent.ParticipantAttributesChanged, onAttributes);
    room.on(RoomEvent.Disconnected, onDisconnected);
  });
}

/**
 * Keeps the creation session alive across a dropped connection: when the creator leaves,
 * `onGone` runs only if they have not rejoined the room within `graceMs` (the framework re-links
 * a rejoining participant with the same identity to the session). Returns a disposer.
 */
export function watchCreatorPresence<P extends ParticipantLike>(
  room: RoomLike<P>,
  identity: string,
  graceMs: number,
  onGone: () => void,
  logger: Logger,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  const onLeft = (participant: P) => {
    if (participant.identity !== identity || timer) return;
    logger.info(
      { event: 'voxie.creator_left', identity, graceMs },
      'creator left; waiting for them to rejoin',
    );
    timer = setTimeout(() => {
      timer = undefined;
      logger.info({ event: 'voxie.creator_gone', identity }, 'creator did not rejoin');
      onGone();
    }, graceMs);
  };
  const onJoined = (participant: P) => {
    if (participant.identity !== identity || !timer) return;
    clearTimeout(timer);
    timer = undefined;
    logger.info({ event: 'voxie.creator_rejoined', identity }, 'creator rejoined');
  };
  room.on(RoomEvent.ParticipantDisconnected, onLeft);
  room.on(RoomEvent.ParticipantConnected, onJoined);
  return () => {
    if (timer) clearTimeout(timer);
    room.off(RoomEvent.ParticipantDisconnected, onLeft);
    room.off(RoomEvent.ParticipantConnected, onJoined);
  };
}
