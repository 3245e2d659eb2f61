import type { ClaimGrants } from 'livekit-server-sdk';
import { TwirpServerError } from './twirp-server-error.js';

/**
 * livekit-server answers a missing grant with Twirp `unauthenticated` (HTTP 401) and the message
 * "permissions denied" (service.twirpAuthError), not with `permission_denied`.
 */
function denied(): TwirpServerError {
  return new TwirpServerError('unauthenticated', 'permissions denied');
}

/** CreateRoom / DeleteRoom need `roomCreate`. */
export function ensureCreatePermission(claims: ClaimGrants | undefined): void {
  if (claims?.video?.roomCreate !== true) throw denied();
}

/** ListRooms needs `roomList`. */
export function ensureListPermission(claims: ClaimGrants | undefined): void {
  if (claims?.video?.roomList !== true) throw denied();
}

/** Participant, metadata and dispatch calls need `roomAdmin` for exactly this room. */
export function ensureAdminPermission(claims: ClaimGrants | undefined, room: string): void {
  if (claims?.video?.roomAdmin !== true || (claims.video.room ?? '') !== room) throw denied();
}
