import { EventEmitter } from 'node:events';
import {
  AgentDispatch,
  AgentDispatchState,
  Codec,
  CreateRoomRequest,
  type Job,
  ParticipantInfo,
  ParticipantInfo_Kind,
  ParticipantInfo_State,
  ParticipantPermission,
  Room,
} from '@livekit/protocol';
import { newLiveKitId } from './ids.js';

/** livekit-server's room defaults (config.RoomConfig). */
const DEFAULT_EMPTY_TIMEOUT_S = 5 * 60;
const DEFAULT_DEPARTURE_TIMEOUT_S = 20;
const DEFAULT_CODECS = [
  'audio/PCMU',
  'audio/PCMA',
  'audio/opus',
  'audio/red',
  'video/VP8',
  'video/H264',
  'video/VP9',
  'video/AV1',
  'video/H265',
  'video/rtx',
];

/** A fake participant a test puts in a room (nothing here carries media). */
export interface FakeParticipantInit {
  identity: string;
  name?: string;
  metadata?: string;
  attributes?: Record<string, string>;
  /** Defaults to STANDARD; use `ParticipantInfo_Kind.AGENT` for an agent. */
  kind?: ParticipantInfo_Kind;
}

/** A new dispatch as CreateDispatch (or a room's `agents` list) describes it. */
export interface DispatchInit {
  agentName: string;
  metadata?: string;
  attributes?: Record<string, string>;
  deployment?: string;
}

/** Everything the store knows about one room. */
export interface StoredRoom {
  room: Room;
  participants: Map<string, ParticipantInfo>;
  dispatches: Map<string, AgentDispatch>;
}

/** Events of {@link LoopbackRoomStore}; payloads are copies. */
export interface RoomStoreEvents {
  roomStarted: [room: Room];
  roomFinished: [room: Room, dispatches: AgentDispatch[]];
  roomUpdated: [room: Room];
  participantJoined: [room: Room, participant: ParticipantInfo];
  participantLeft: [room: Room, participant: ParticipantInfo];
  dispatchCreated: [room: Room, dispatch: AgentDispatch];
  dispatchDeleted: [room: Room, dispatch: AgentDispatch];
}

/**
 * The loopback's in-memory rooms, participants and agent dispatches, with livekit-server's
 * semantics: CreateRoom on an existing name updates that room, a room's `agents` become
 * dispatches only when the room starts, every CreateDispatch adds a dispatch (duplicates
 * included), deleting a room drops its dispatches.
 */
export class LoopbackRoomStore extends EventEmitter<RoomStoreEvents> {
  readonly #rooms = new Map<string, StoredRoom>();

  /** Creates the room, or updates the existing one (timeouts, limits, metadata) like the server. */
  createRoom(req: CreateRoomRequest): { room: Room; created: boolean } {
    let stored = this.#rooms.get(req.name);
    const created = stored === undefined;
    if (stored === undefined) {
      const now = Date.now();
      stored = {
        room: new Room({
          sid: newLiveKitId('RM_'),
          name: req.name,
          emptyTimeout: DEFAULT_EMPTY_TIMEOUT_S,
          departureTimeout: DEFAULT_DEPARTURE_TIMEOUT_S,
          creationTime: BigInt(Math.floor(now / 1000)),
          creationTimeMs: BigInt(now),
          turnPassword: newLiveKitId('ND_').slice(3),
          enabledCodecs: DEFAULT_CODECS.map((mime) => new Codec({ mime })),
        }),
        participants: new Map(),
        dispatches: new Map(),
      };
    }
    const room = stored.room;
    if (req.emptyTimeout > 0) room.emptyTimeout = req.emptyTimeout;
    if (req.departureTimeout > 0) room.departureTimeout = req.departureTimeout;
    if (req.maxParticipants > 0) room.maxParticipants = req.maxParticipants;
    if (req.metadata !== '') room.metadata = req.metadata;
    if (!created) {
      this.emit('roomUpdated', room.clone());
      return { room: room.clone(), created };
    }
    this.#rooms.set(req.name, stored);
    this.emit('roomStarted', room.clone());
    for (const agent of req.agents) {
      this.addDispatch(req.name, {
        agentName: agent.agentName,
        metadata: agent.metadata,
        attributes: agent.attributes,
        deployment: agent.deployment,
      });
    }
    return { room: room.clone(), created };
  }

  /** A copy of the room, or undefined. */
  getRoom(name: string): Room | undefined {
    return this.#rooms.get(name)?.room.clone();
  }

  /** Copies of the rooms, all of them or those named (unknown names are skipped). */
  listRooms(names: readonly string[] = []): Room[] {
    const stored =
      names.length === 0
        ? [...this.#rooms.values()]
        : names.flatMap((name) => {
            const room = this.#rooms.get(name);
            return room === undefined ? [] : [room];
          });
    return stored.map((s) => s.room.clone());
  }

  /** Removes the room with its participants and dispatches; false if there was no such room. */
  deleteRoom(name: string): boolean {
    const stored = this.#rooms.get(name);
    if (stored === undefined) return false;
    for (const participant of [...stored.participants.values()]) {
      this.removeParticipant(name, participant.identity);
    }
    this.#rooms.delete(name);
    const dispatches = [...stored.dispatches.values()].map((d) => d.clone());
    stored.dispatches.clear();
    this.emit('roomFinished', stored.room.clone(), dispatches);
    return true;
  }

  /** Sets the room's metadata; undefined when the room does not exist. */
  updateRoomMetadata(name: string, metadata: string): Room | undefined {
    const stored = this.#rooms.get(name);
    if (stored === undefined) return undefined;
    stored.room.metadata = metadata;
    this.emit('roomUpdated', stored.room.clone());
    return stored.room.clone();
  }

  /**
   * Puts a fake participant in the room, creating the room first when it does not exist (as a
   * join with a token does when auto-create is on).
   */
  addParticipant(roomName: string, init: FakeParticipantInit): ParticipantInfo {
    if (!this.#rooms.has(roomName)) this.createRoom(new CreateRoomRequest({ name: roomName }));
    const stored = this.#mustGet(roomName);
    const now = Date.now();
    const participant = new ParticipantInfo({
      sid: newLiveKitId('PA_'),
      identity: init.identity,
      name: init.name ?? '',
      metadata: init.metadata ?? '',
      attributes: init.attributes ?? {},
      kind: init.kind ?? ParticipantInfo_Kind.STANDARD,
      state: ParticipantInfo_State.ACTIVE,
      joinedAt: BigInt(Math.floor(now / 1000)),
      joinedAtMs: BigInt(now),
      version: 1,
      permission: new ParticipantPermission({
        canSubscribe: true,
        canPublish: true,
        canPublishData: true,
        agent: init.kind === ParticipantInfo_Kind.AGENT,
      }),
    });
    stored.participants.set(participant.identity, participant);
    stored.room.numParticipants = stored.participants.size;
    this.emit('participantJoined', stored.room.clone(), participant.clone());
    return participant.clone();
  }

  /** Removes a participant; false when the room or participant does not exist. */
  removeParticipant(roomName: string, identity: string): boolean {
    const stored = this.#rooms.get(roomName);
    const participant = stored?.participants.get(identity);
    if (stored === undefined || participant === undefined) return false;
    stored.participants.delete(identity);
    stored.room.numParticipants = stored.participants.size;
    participant.state = ParticipantInfo_State.DISCONNECTED;
    this.emit('participantLeft', stored.room.clone(), participant.clone());
    return true;
  }

  /** Applies UpdateParticipant's non-empty fields; undefined when there is no such participant. */
  updateParticipant(
    roomName: string,
    identity: string,
    update: { metadata: string; name: string; attributes: Record<string, string> },
  ): ParticipantInfo | undefined {
    const participant = this.#rooms.get(roomName)?.participants.get(identity);
    if (participant === undefined) return undefined;
    if (update.metadata !== '') participant.metadata = update.metadata;
    if (update.name !== '') participant.name = update.name;
    for (const [key, value] of Object.entries(update.attributes)) {
      if (value === '') delete participant.attributes[key];
      else participant.attributes[key] = value;
    }
    participant.version++;
    return participant.clone();
  }

  /** Copies of the room's participants ([] for an unknown room, like the server's store). */
  listParticipants(roomName: string): ParticipantInfo[] {
    return [...(this.#rooms.get(roomName)?.participants.values() ?? [])].map((p) => p.clone());
  }

  /** A copy of one participant, or undefined. */
  getParticipant(roomName: string, identity: string): ParticipantInfo | undefined {
    return this.#rooms.get(roomName)?.participants.get(identity)?.clone();
  }

  /** Adds a dispatch (never deduplicated); undefined when the room does not exist. */
  addDispatch(roomName: string, init: DispatchInit): AgentDispatch | undefined {
    const stored = this.#rooms.get(roomName);
    if (stored === undefined) return undefined;
    const dispatch = new AgentDispatch({
      id: newLiveKitId('AD_'),
      agentName: init.agentName,
      room: roomName,
      metadata: init.metadata ?? '',
      attributes: init.attributes ?? {},
      deployment: init.deployment ?? '',
      state: new AgentDispatchState({ createdAt: BigInt(Date.now()) * 1_000_000n }),
    });
    stored.dispatches.set(dispatch.id, dispatch);
    this.emit('dispatchCreated', stored.room.clone(), dispatch.clone());
    return dispatch.clone();
  }

  /** Removes a dispatch and returns it; undefined when the room or dispatch does not exist. */
  deleteDispatch(roomName: string, dispatchId: string): AgentDispatch | undefined {
    const stored = this.#rooms.get(roomName);
    const dispatch = stored?.dispatches.get(dispatchId);
    if (stored === undefined || dispatch === undefined) return undefined;
    stored.dispatches.delete(dispatchId);
    this.emit('dispatchDeleted', stored.room.clone(), dispatch.clone());
    return dispatch.clone();
  }

  /** Copies of the room's dispatches (one when `dispatchId` is given); undefined for no room. */
  listDispatches(roomName: string, dispatchId = ''): AgentDispatch[] | undefined {
    const stored = this.#rooms.get(roomName);
    if (stored === undefined) return undefined;
    return [...stored.dispatches.values()]
      .filter((d) => dispatchId === '' || d.id === dispatchId)
      .map((d) => d.clone());
  }

  /** Lets the job layer record a job on its dispatch (ListDispatch shows it in `state.jobs`). */
  recordDispatchJob(roomName: string, dispatchId: string, job: Job): void {
    const dispatch = this.#rooms.get(roomName)?.dispatches.get(dispatchId);
    dispatch?.state?.jobs.push(job.clone());
  }

  #mustGet(name: string): StoredRoom {
    const stored = this.#rooms.get(name);
    if (stored === undefined) throw new Error(`room ${name} does not exist`);
    return stored;
  }
}
