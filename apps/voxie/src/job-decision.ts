import { type DispatchMetadata, parseDispatchMetadata, parseRoomName } from '@voxie/config';
import { z } from 'zod';

/** The agent name the control API dispatches Voxie jobs to. */
export const VOXIE_AGENT_NAME = 'voxie';

/** Participant attribute the control API puts on the creator's token: whom Voxie works for. */
export const VOXIE_OWNER_ATTRIBUTE = 'voxie.owner_id';

/** Attributes Voxie sets on its own participant. */
export const VOXIE_ATTRIBUTES = {
  role: 'voxie.role',
  promptVersion: 'voxie.prompt_version',
} as const;

/** The parts of a LiveKit job the decision reads. */
export interface VoxieJobFacts {
  roomName: string;
  /** Dispatch metadata (JSON), may be empty. */
  dispatchMetadata?: string;
}

export type VoxieJobDecision =
  | { accept: true; metadata: DispatchMetadata }
  | { accept: false; reason: string };

/**
 * Voxie takes only `voxie-creation-*` rooms, with dispatch metadata that parses (a caller that
 * sent metadata meant something by it). Pure, so every rule is testable without a server.
 */
export function decideVoxieJob(facts: VoxieJobFacts): VoxieJobDecision {
  const room = parseRoomName(facts.roomName);
  if (!room.ok) return { accept: false, reason: `room "${facts.roomName}": ${room.reason}` };
  if (room.room.kind !== 'voxie-creation') {
    return {
      accept: false,
      reason: `room "${facts.roomName}" is not a Voxie creation room (it belongs to the spawner)`,
    };
  }
  const dispatch = parseDispatchMetadata(facts.dispatchMetadata);
  if (!dispatch.ok) return { accept: false, reason: dispatch.reason };
  return { accept: true, metadata: dispatch.metadata };
}

export type OwnerResolution = { ok: true; ownerId: string } | { ok: false; reason: string };

const Uuid = z.uuid();

/**
 * Whom Voxie works for with this participant: the dispatch metadata's owner, which the
 * participant's `voxie.owner_id` attribute (set by the control API on the token) must not
 * contradict; or, without one in the dispatch, that attribute. Nothing said in the
 * conversation can change it.
 */
export function resolveOwner(
  dispatchOwnerId: string | undefined,
  attributes: Readonly<Record<string, string>>,
): OwnerResolution {
  const attribute = attributes[VOXIE_OWNER_ATTRIBUTE]?.trim().toLowerCase() || undefined;
  if (attribute !== undefined && !Uuid.safeParse(attribute).success) {
    return { ok: false, reason: `participant attribute ${VOXIE_OWNER_ATTRIBUTE} is not a UUID` };
  }
  const dispatched = dispatchOwnerId?.toLowerCase();
  if (dispatched) {
    if (attribute !== undefined && attribute !== dispatched) {
      return {
        ok: false,
        reason: `participant attribute ${VOXIE_OWNER_ATTRIBUTE} names another owner than the dispatch`,
      };
    }
    return { ok: true, ownerId: dispatched };
  }
  if (attribute) return { ok: true, ownerId: attribute };
  return {
    ok: false,
    reason: `no owner: neither the dispatch metadata nor the participant attribute ${VOXIE_OWNER_ATTRIBUTE} names one`,
  };
}
