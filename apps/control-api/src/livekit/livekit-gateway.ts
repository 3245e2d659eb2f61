import {
  type AgentDispatch,
  AgentDispatchClient,
  type Room,
  RoomAgentDispatch,
  RoomServiceClient,
  TwirpError,
} from 'livekit-server-sdk';
import { ApiError } from '../errors.js';

export interface CreateRoomWithAgentInput {
  roomName: string;
  agentName: string;
  /** JSON dispatch metadata for the agent. */
  dispatchMetadata: string;
  roomMetadata?: string;
  emptyTimeoutSeconds: number;
}

/**
 * Everything the API asks of the LiveKit server, through the official SDK clients. Failures
 * become {@link ApiError}s: `livekit_unavailable` (503) when the server cannot be reached,
 * `livekit_error` (502) when it answers with an error.
 */
export class LivekitGateway {
  private readonly rooms: RoomServiceClient;
  private readonly dispatches: AgentDispatchClient;

  constructor(url: string, apiKey: string, apiSecret: string, requestTimeoutSeconds = 10) {
    const options = { requestTimeout: requestTimeoutSeconds };
    this.rooms = new RoomServiceClient(url, apiKey, apiSecret, options);
    this.dispatches = new AgentDispatchClient(url, apiKey, apiSecret, options);
  }

  /** Creates the room with an explicit agent dispatch in its configuration. */
  createRoomWithAgent(input: CreateRoomWithAgentInput): Promise<Room> {
    return call('create room', () =>
      this.rooms.createRoom({
        name: input.roomName,
        emptyTimeout: input.emptyTimeoutSeconds,
        metadata: input.roomMetadata,
        agents: [
          new RoomAgentDispatch({ agentName: input.agentName, metadata: input.dispatchMetadata }),
        ],
      }),
    );
  }

  listRooms(names?: string[]): Promise<Room[]> {
    return call('list rooms', () => this.rooms.listRooms(names));
  }

  deleteRoom(name: string): Promise<void> {
    return call('delete room', () => this.rooms.deleteRoom(name));
  }

  listDispatches(roomName: string): Promise<AgentDispatch[]> {
    return call('list dispatches', () => this.dispatches.listDispatch(roomName));
  }

  /** The dispatch of `agentName` in the room, if any; a room that does not exist yet has none. */
  async findDispatch(roomName: string, agentName: string): Promise<AgentDispatch | undefined> {
    try {
      return (await this.listDispatches(roomName)).find(
        (dispatch) => dispatch.agentName === agentName,
      );
    } catch (error) {
      if (error instanceof ApiError && error.code === 'not_found') return undefined;
      throw error;
    }
  }

  createDispatch(roomName: string, agentName: string, metadata?: string): Promise<AgentDispatch> {
    return call('create dispatch', () =>
      this.dispatches.createDispatch(roomName, agentName, { metadata }),
    );
  }

  deleteDispatch(dispatchId: string, roomName: string): Promise<void> {
    return call('delete dispatch', () => this.dispatches.deleteDispatch(dispatchId, roomName));
  }
}

async function call<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toApiError(action, error);
  }
}

function toApiError(action: string, error: unknown): ApiError {
  if (error instanceof TwirpError) {
    if (error.status === 404)
      return new ApiError('not_found', `LiveKit could not ${action}: ${error.message}`, {
        cause: error,
      });
    if (error.status >= 500 || error.status === 429) {
      return new ApiError(
        'livekit_unavailable',
        `LiveKit could not ${action} right now (${error.status} ${error.code ?? ''}`.trimEnd() +
          ')',
        { cause: error },
      );
    }
    return new ApiError(
      'livekit_error',
      `LiveKit refused to ${action}: ${error.code ?? error.status} ${error.message}`,
      {
        cause: error,
      },
    );
  }
  const reason =
    error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'is unreachable';
  return new ApiError('livekit_unavailable', `LiveKit server ${reason}; could not ${action}`, {
    cause: error,
  });
}
