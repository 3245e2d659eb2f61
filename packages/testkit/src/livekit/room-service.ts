import {
  CreateRoomRequest,
  DeleteRoomRequest,
  DeleteRoomResponse,
  ListParticipantsRequest,
  ListParticipantsResponse,
  ListRoomsRequest,
  ListRoomsResponse,
  RemoveParticipantResponse,
  RoomParticipantIdentity,
  UpdateParticipantRequest,
  UpdateRoomMetadataRequest,
} from '@livekit/protocol';
import {
  ensureAdminPermission,
  ensureCreatePermission,
  ensureListPermission,
} from './grant-checks.js';
import type { LoopbackRoomStore } from './loopback-room-store.js';
import { type TwirpMethod, twirpMethod } from './twirp-router.js';
import { TwirpServerError } from './twirp-server-error.js';

/** livekit-server's default `room.max_metadata_size` (bytes). */
export const DEFAULT_MAX_METADATA_SIZE = 64_000;

/**
 * `livekit.RoomService` over the loopback store, with the server's grant checks, check order and
 * error messages (pkg/service/roomservice.go).
 */
export function createRoomService(
  store: LoopbackRoomStore,
  maxMetadataSize = DEFAULT_MAX_METADATA_SIZE,
): Record<string, TwirpMethod> {
  const checkMetadata = (metadata: string) => {
    if (maxMetadataSize > 0 && Buffer.byteLength(metadata) > maxMetadataSize) {
      const argument = 'metadata size exceeds limits';
      throw new TwirpServerError('invalid_argument', `${argument} ${maxMetadataSize}`, {
        meta: { argument },
      });
    }
  };
  return {
    CreateRoom: twirpMethod(CreateRoomRequest, (req, { claims }) => {
      ensureCreatePermission(claims);
      return store.createRoom(req).room;
    }),
    ListRooms: twirpMethod(ListRoomsRequest, (req, { claims }) => {
      ensureListPermission(claims);
      return new ListRoomsResponse({ rooms: store.listRooms(req.names) });
    }),
    DeleteRoom: twirpMethod(DeleteRoomRequest, (req, { claims }) => {
      ensureCreatePermission(claims);
      if (!store.deleteRoom(req.room)) throw new TwirpServerError('not_found', 'room not found');
      return new DeleteRoomResponse();
    }),
    ListParticipants: twirpMethod(ListParticipantsRequest, (req, { claims }) => {
      ensureAdminPermission(claims, req.room);
      return new ListParticipantsResponse({ participants: store.listParticipants(req.room) });
    }),
    GetParticipant: twirpMethod(RoomParticipantIdentity, (req, { claims }) => {
      ensureAdminPermission(claims, req.room);
      const participant = store.getParticipant(req.room, req.identity);
      if (participant === undefined) {
        throw new TwirpServerError('not_found', 'participant does not exist');
      }
      return participant;
    }),
    RemoveParticipant: twirpMethod(RoomParticipantIdentity, (req, { claims }) => {
      // The server looks the participant up before it checks the grant.
      if (store.getParticipant(req.room, req.identity) === undefined) {
        throw new TwirpServerError('not_found', 'participant not found');
      }
      ensureAdminPermission(claims, req.room);
      store.removeParticipant(req.room, req.identity);
      return new RemoveParticipantResponse();
    }),
    UpdateParticipant: twirpMethod(UpdateParticipantRequest, (req, { claims }) => {
      checkMetadata(req.metadata);
      ensureAdminPermission(claims, req.room);
      const participant = store.updateParticipant(req.room, req.identity, {
        metadata: req.metadata,
        name: req.name,
        attributes: req.attributes,
      });
      if (participant === undefined) {
        throw new TwirpServerError('not_found', 'participant does not exist');
      }
      return participant;
    }),
    UpdateRoomMetadata: twirpMethod(UpdateRoomMetadataRequest, (req, { claims }) => {
      checkMetadata(req.metadata);
      ensureAdminPermission(claims, req.room);
      const room = store.updateRoomMetadata(req.room, req.metadata);
      if (room === undefined) {
        throw new TwirpServerError('not_found', 'requested room does not exist');
      }
      return room;
    }),
  };
}
