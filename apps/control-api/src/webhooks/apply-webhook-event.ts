import { SessionRepository, type VoxieDb } from '@voxie/db';
import type { WebhookEvent } from 'livekit-server-sdk';

/**
 * Applies a stored LiveKit event to the session of its room. Every update is written so that
 * events may arrive in any order or more than once (see SessionRepository). Events for rooms
 * without a session, and event types we do not track, change nothing.
 */
export async function applyWebhookEvent(
  db: VoxieDb,
  event: WebhookEvent,
  roomName: string,
  at: Date,
): Promise<void> {
  const sessions = new SessionRepository(db);
  switch (event.event) {
    case 'room_started':
      await sessions.markRoomStarted(roomName, at);
      return;
    case 'room_finished':
      await sessions.markRoomFinished(roomName, at);
      return;
    case 'participant_joined':
      // A participant joining also proves the room started, should room_started be late or lost.
      await sessions.markRoomStarted(roomName, at);
      await sessions.recountParticipants(roomName);
      return;
    case 'participant_left':
    case 'participant_connection_aborted':
      await sessions.recountParticipants(roomName);
      return;
    case 'egress_ended': {
      const url = recordingLocation(event);
      if (url) await sessions.setRecordingUrl(roomName, url);
      return;
    }
    default:
      return;
  }
}

/** Room an event concerns: the room itself, or the room an egress recorded. */
export function roomNameOf(event: WebhookEvent): string | undefined {
  return event.room?.name || event.egressInfo?.roomName || event.ingressInfo?.roomName || undefined;
}

function recordingLocation(event: WebhookEvent): string | undefined {
  const egress = event.egressInfo;
  if (!egress) return undefined;
  const file = egress.fileResults[0]?.location;
  if (file) return file;
  const segments = egress.segmentResults[0]?.playlistLocation;
  if (segments) return segments;
  return egress.result.case === 'file' ? egress.result.value.location || undefined : undefined;
}
