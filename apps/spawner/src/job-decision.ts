import {
  type DispatchMetadata,
  parseDispatchMetadata,
  parseRoomName,
  type RoomName,
} from '@voxie/config';
import { z } from 'zod';

/**
 * Which stored agent a job asks for, and whether the spawner takes it. Pure functions: the
 * request handler feeds them the job and the agent lookup, so every rule is testable without a
 * LiveKit server or a database.
 */

/** The parts of a LiveKit job the decision reads. */
export interface JobFacts {
  roomName: string;
  /** Room metadata (JSON), may be empty. */
  roomMetadata?: string;
  /** Dispatch metadata (JSON), may be empty. */
  dispatchMetadata?: string;
}

/** Where the agent id came from, in the order they are consulted. */
export type AgentIdSource = 'dispatch_metadata' | 'room_metadata' | 'room_name';

export interface JobTarget {
  room: RoomName;
  agentId: string;
  /** A version the dispatch pins; otherwise the agent's published version runs. */
  versionId?: string;
  source: AgentIdSource;
  metadata: DispatchMetadata;
}

export type TargetResolution = { ok: true; target: JobTarget } | { ok: false; reason: string };

/** Room metadata as the control API (and the original Python spawner, `agent_id`) writes it. */
const RoomMetadata = z
  .object({ agentId: z.uuid().optional(), agent_id: z.uuid().optional() })
  .transform((value) => value.agentId ?? value.agent_id);

function agentIdFromRoomMetadata(raw: string | undefined): string | undefined {
  if (!raw?.trim()) return undefined;
  try {
    const parsed = RoomMetadata.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data?.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Resolves the agent a job is for: dispatch metadata, then room metadata, then the room name.
 * Only `agent-*` and `sim-*` rooms qualify; invalid dispatch metadata is a reason to refuse (a
 * caller that sent metadata meant something by it).
 */
export function resolveJobTarget(job: JobFacts): TargetResolution {
  const parsedRoom = parseRoomName(job.roomName);
  if (!parsedRoom.ok) return { ok: false, reason: `room "${job.roomName}": ${parsedRoom.reason}` };
  const room = parsedRoom.room;
  if (room.kind === 'voxie-creation') {
    return { ok: false, reason: `room "${job.roomName}" belongs to Voxie, not the spawner` };
  }
  const dispatch = parseDispatchMetadata(job.dispatchMetadata);
  if (!dispatch.ok) return { ok: false, reason: dispatch.reason };
  const metadata = dispatch.metadata;
  const fromDispatch = metadata.agentId?.toLowerCase();
  const fromRoomMetadata = agentIdFromRoomMetadata(job.roomMetadata);
  const fromName = room.kind === 'agent' ? room.agentId : undefined;
  const agentId = fromDispatch ?? fromRoomMetadata ?? fromName;
  if (!agentId) {
    return {
      ok: false,
      reason: `no agent id in dispatch metadata or room metadata for ${job.roomName}`,
    };
  }
  const source: AgentIdSource = fromDispatch
    ? 'dispatch_metadata'
    : fromRoomMetadata
      ? 'room_metadata'
      : 'room_name';
  return {
    ok: true,
    target: { room, agentId, versionId: metadata.versionId, source, metadata },
  };
}

/** What the spawner knows about the target agent when deciding. */
export interface AgentFacts {
  agentId: string;
  name: string;
  versionId: string;
  version: number;
  /** Why this deployment cannot run the definition (missing provider keys, invalid JSON). */
  problems: readonly string[];
}

export type JobDecision =
  | {
      accept: true;
      agentId: string;
      versionId: string;
      participantName: string;
      participantAttributes: Record<string, string>;
    }
  | { accept: false; reason: string };

/** Participant attributes the spawner sets on the agent it runs. */
export const AGENT_ATTRIBUTES = {
  agentId: 'voxie.agent_id',
  versionId: 'voxie.agent_version_id',
  version: 'voxie.agent_version',
  role: 'voxie.role',
} as const;

/**
 * Accept only when the agent exists with a runnable published (or pinned) version; otherwise
 * reject with a reason, so LiveKit can offer the job to another worker and the log says why.
 */
export function decideJob(target: JobTarget, agent: AgentFacts | undefined): JobDecision {
  if (!agent) {
    return {
      accept: false,
      reason: target.versionId
        ? `agent ${target.agentId} has no version ${target.versionId} (or is archived)`
        : `agent ${target.agentId} does not exist, is archived or has no published version`,
    };
  }
  if (agent.problems.length > 0) {
    return {
      accept: false,
      reason: `agent ${target.agentId} cannot run here: ${agent.problems.join('; ')}`,
    };
  }
  return {
    accept: true,
    agentId: agent.agentId,
    versionId: agent.versionId,
    participantName: `${agent.name} (v${agent.version})`,
    participantAttributes: {
      [AGENT_ATTRIBUTES.agentId]: agent.agentId,
      [AGENT_ATTRIBUTES.versionId]: agent.versionId,
      [AGENT_ATTRIBUTES.version]: String(agent.version),
      [AGENT_ATTRIBUTES.role]: target.metadata.role ?? 'agent',
    },
  };
}
