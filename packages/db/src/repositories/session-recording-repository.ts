import { and, desc, eq, sql } from 'drizzle-orm';
import type { VoxieDb } from '../client.js';
import { agents, agentVersions, sessions } from '../schema.js';
import { required } from './required.js';
import type { Session } from './session-repository.js';

export interface StartRecordingInput {
  /** Owner of the agent the worker runs (sessions belong to the agent's owner). */
  ownerId: string;
  kind: Session['kind'];
  roomName: string;
  agentId?: string;
  agentVersionId?: string;
  startedAt?: Date;
}

/** An agent row and one of its versions. */
export interface AgentVersionForWorker {
  agent: typeof agents.$inferSelect;
  version: typeof agentVersions.$inferSelect;
}

export interface FinishRecordingInput {
  status: 'ended' | 'failed';
  endReason: string;
  usage?: unknown;
  metrics?: unknown;
  endedAt?: Date;
}

/**
 * What workers write about the sessions they run. Workers act for whoever the control API
 * dispatched them for, so these methods are keyed by session id or room name rather than scoped
 * to an owner; callers take `ownerId` from the agent they loaded.
 */
export class SessionRecordingRepository {
  constructor(private readonly db: VoxieDb) {}

  /**
   * Marks the room's session active (creating the row when the control API did not, e.g. a
   * console session or a dispatch made elsewhere). Idempotent: a second start keeps the first
   * `started_at`.
   */
  async start(input: StartRecordingInput): Promise<Session> {
    const startedAt = input.startedAt ?? new Date();
    const [session] = await this.db
      .insert(sessions)
      .values({
        ownerId: input.ownerId,
        kind: input.kind,
        roomName: input.roomName,
        agentId: input.agentId,
        agentVersionId: input.agentVersionId,
        status: 'active',
        startedAt,
      })
      .onConflictDoUpdate({
        target: sessions.roomName,
        set: {
          status: 'active',
          startedAt: sql`coalesce(${sessions.startedAt}, excluded.started_at)`,
          agentId: sql`coalesce(${sessions.agentId}, excluded.agent_id)`,
          agentVersionId: sql`coalesce(excluded.agent_version_id, ${sessions.agentVersionId})`,
        },
      })
      .returning();
    return required(session);
  }

  /** Closes the session row with its end reason, usage and latency metrics. */
  async finish(sessionId: string, input: FinishRecordingInput): Promise<Session | undefined> {
    const [session] = await this.db
      .update(sessions)
      .set({
        status: input.status,
        endReason: input.endReason,
        endedAt: input.endedAt ?? new Date(),
        usage: input.usage ?? null,
        metrics: input.metrics ?? null,
      })
      .where(eq(sessions.id, sessionId))
      .returning();
    return session;
  }

  /**
   * A specific version of an active agent, for a dispatch that pins one (the version must belong
   * to that agent). Undefined when either is missing or the agent is archived.
   */
  async findAgentVersion(
    agentId: string,
    versionId: string,
  ): Promise<AgentVersionForWorker | undefined> {
    const [row] = await this.db
      .select({ agent: agents, version: agentVersions })
      .from(agents)
      .innerJoin(agentVersions, eq(agentVersions.agentId, agents.id))
      .where(
        and(eq(agents.id, agentId), eq(agentVersions.id, versionId), eq(agents.status, 'active')),
      );
    return row;
  }

  /**
   * Active agents whose name matches case-insensitively, across owners, newest first (for
   * operator tools such as the spawner console, which run with database access anyway).
   */
  async findActiveAgentsByName(
    name: string,
    limit = 10,
  ): Promise<Array<{ id: string; ownerId: string; name: string }>> {
    return this.db
      .select({ id: agents.id, ownerId: agents.ownerId, name: agents.name })
      .from(agents)
      .where(and(eq(sql`lower(${agents.name})`, name.toLowerCase()), eq(agents.status, 'active')))
      .orderBy(desc(agents.createdAt))
      .limit(limit);
  }
}
