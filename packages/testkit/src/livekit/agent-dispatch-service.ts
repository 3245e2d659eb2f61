import {
  CreateAgentDispatchRequest,
  CreateRoomRequest,
  DeleteAgentDispatchRequest,
  ListAgentDispatchRequest,
  ListAgentDispatchResponse,
} from '@livekit/protocol';
import { ensureAdminPermission } from './grant-checks.js';
import type { LoopbackRoomStore } from './loopback-room-store.js';
import { DEFAULT_MAX_METADATA_SIZE } from './room-service.js';
import { type TwirpMethod, twirpMethod } from './twirp-router.js';
import { TwirpServerError } from './twirp-server-error.js';

const roomNotFound = () => new TwirpServerError('not_found', 'requested room does not exist');

/**
 * `livekit.AgentDispatchService` (pkg/service/agent_dispatch_service.go): `roomAdmin` for the
 * request's room; CreateDispatch auto-creates the room and always adds a new dispatch, even for
 * an agent already dispatched there.
 */
export function createAgentDispatchService(
  store: LoopbackRoomStore,
  maxMetadataSize = DEFAULT_MAX_METADATA_SIZE,
): Record<string, TwirpMethod> {
  return {
    CreateDispatch: twirpMethod(CreateAgentDispatchRequest, (req, { claims }) => {
      ensureAdminPermission(claims, req.room);
      if (maxMetadataSize > 0 && Buffer.byteLength(req.metadata) > maxMetadataSize) {
        throw new TwirpServerError('invalid_argument', 'metadata size exceeds limits');
      }
      if (store.getRoom(req.room) === undefined) {
        store.createRoom(new CreateRoomRequest({ name: req.room }));
      }
      const dispatch = store.addDispatch(req.room, {
        agentName: req.agentName,
        metadata: req.metadata,
        attributes: req.attributes,
        deployment: req.deployment,
      });
      if (dispatch === undefined) throw roomNotFound();
      return dispatch;
    }),
    DeleteDispatch: twirpMethod(DeleteAgentDispatchRequest, (req, { claims }) => {
      ensureAdminPermission(claims, req.room);
      if (store.getRoom(req.room) === undefined) throw roomNotFound();
      const dispatch = store.deleteDispatch(req.room, req.dispatchId);
      if (dispatch === undefined) throw new TwirpServerError('not_found', 'dispatch ID not found');
      return dispatch;
    }),
    ListDispatch: twirpMethod(ListAgentDispatchRequest, (req, { claims }) => {
      ensureAdminPermission(claims, req.room);
      const dispatches = store.listDispatches(req.room, req.dispatchId);
      if (dispatches === undefined) throw roomNotFound();
      return new ListAgentDispatchResponse({ agentDispatches: dispatches });
    }),
  };
}
