import { randomInt } from 'node:crypto';

/** The alphabet of LiveKit's `guid` package (base57, no look-alike characters). */
const GUID_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const GUID_LENGTH = 12;

/** Prefixes LiveKit puts on its identifiers. */
export type LiveKitIdPrefix =
  | 'RM_' // room
  | 'PA_' // participant
  | 'AD_' // agent dispatch
  | 'AJ_' // agent job
  | 'AW_' // agent worker
  | 'EV_' // webhook event
  | 'EG_' // egress
  | 'TR_' // track
  | 'ND_'; // node

/** A new identifier shaped like the server's (`RM_` + 12 base57 characters). */
export function newLiveKitId(prefix: LiveKitIdPrefix): string {
  let id = prefix;
  for (let i = 0; i < GUID_LENGTH; i++) id += GUID_ALPHABET[randomInt(GUID_ALPHABET.length)];
  return id;
}
