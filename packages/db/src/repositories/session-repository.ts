import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { VoxieDb } from '../client.js';
import { sessions, webhookEvents } from '../schema.js';
import { decodeCursor, type Page, toPage } from './cursor.js';
import { required } from './required.js';

export type Session = typeof sessions.$inferSelect;

export interface CreateSessionInput {
  /** Chosen by the caller when it must be known before the row exists (e.g. in dispatch metadata). */
  id?: string;
  ownerId: string;
  kind: Session['kind'];
  roomName: string;
  agentId?: string;
  agentVersionId?: string;
}

export interface ListSessionsOptions {
  limit: number;
  cursor?: string;
  agentId?: string;
  status?: Session['status'];
  kind?: Session['kind'];
}

/** Conversations: one row per room the platform created. Owner-scoped except by room name. */
export class SessionRepository {
  constructor(private readonly db: VoxieDb) {}

  async create(input: CreateSessionInput): Promise<Session> {
    const [session] = await this.db.insert(sessions).values(input).returning();
    return required(session);
  }

  async get(ownerId: string, id: string): Promise<Session | undefined> {
    const [session] = await this.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.id, id), eq(sessions.ownerId, ownerId)));
    return session;
  }

  /** For LiveKit webhooks and workers, which identify a session by its room. */
  async findByRoomName(roomName: string): Promise<Session | undefined> {
    const [session] = await this.db.select().from(sessions).where(eq(sessions.roomName, roomName));
    return session;
  }

  async list(ownerId: string, options: ListSessionsOptions): Promise<Page<Session>> {
    const conditions = [eq(sessions.ownerId, ownerId)];
    if (options.agentId) conditions.push(eq(sessions.agentId, options.agentId));
    if (options.status) conditions.push(eq(sessions.status, options.status));
    if (options.kind) conditions.push(eq(sessions.kind, options.kind));
    if (options.cursor) {
      const cursor = decodeCursor(options.cursor);
      const before = or(
        lt(sessions.createdAt, cursor.createdAt),
        and(eq(sessions.createdAt, cursor.createdAt), lt(sessions.id, cursor.id)),
      );
      if (before) conditions.push(before);
    }
    const rows = await this.db
      .select()
      .from(sessions)
      .where(and(...conditions))
      .orderBy(desc(sessions.createdAt), desc(sessions.id))
      .limit(options.limit + 1);
    return toPage(rows, options.limit);
  }

  /** Which of `roomNames` belong to a session. */
  async roomsWithSessions(roomNames: readonly string[]): Promise<Set<string>> {
    if (roomNames.length === 0) return new Set();
    const rows = await this.db
      .select({ roomName: sessions.roomName })
      .from(sessions)
      .where(inArray(sessions.roomName, [...roomNames]));
    return new Set(rows.map((row) => row.roomName));
  }

  /** Removes a session row, e.g. when its room could not be created. */
  async delete(ownerId: string, id: string): Promise<boolean> {
    const deleted = await this.db
      .delete(sessions)
      .where(and(eq(sessions.id, id), eq(sessions.ownerId, ownerId)))
      .returning({ id: sessions.id });
    return deleted.length > 0;
  }

  /**
   * LiveKit says the room started at `at`: a `created` session becomes `active`, and `startedAt`
   * keeps the earliest start seen. Safe in any order with {@link markRoomFinished}.
   */
  async markRoomStarted(roomName: string, at: Date): Promise<boolean> {
    const updated = await this.db
      .update(sessions)
      .set({
        status: sql`case when ${sessions.status} = 'created' then 'active' else ${sessions.status} end`,
        startedAt: sql`least(coalesce(${sessions.startedAt}, ${at.toISOString()}::timestamptz), ${at.toISOString()}::timestamptz)`,
      })
      .where(eq(sessions.roomName, roomName))
      .returning({ id: sessions.id });
    return updated.length > 0;
  }

  /** LiveKit says the room finished at `at`: the session ends (whatever arrived before). */
  async markRoomFinished(roomName: string, at: Date): Promise<boolean> {
    const updated = await this.db
      .update(sessions)
      .set({
        status: sql`case when ${sessions.status} = 'failed' then 'failed' else 'ended' end`,
        endedAt: sql`greatest(coalesce(${sessions.endedAt}, ${at.toISOString()}::timestamptz), ${at.toISOString()}::timestamptz)`,
        endReason: sql`coalesce(${sessions.endReason}, 'room_finished')`,
      })
      .where(eq(sessions.roomName, roomName))
      .returning({ id: sessions.id });
    return updated.length > 0;
  }

  /**
   * Recomputes the participant count of the room's session from the stored webhook events:
   * participants that joined minus those that left, counted by participant sid, so the result
   * does not depend on the order events arrived in.
   */
  async recountParticipants(roomName: string): Promise<void> {
    const sid = sql`${webhookEvents.payload} -> 'participant' ->> 'sid'`;
    await this.db
      .update(sessions)
      .set({
        participantCount: sql`(
          select count(distinct ${sid}) filter (where ${webhookEvents.event} = 'participant_joined')
               - count(distinct ${sid}) filter (where ${webhookEvents.event} in ('participant_left', 'participant_connection_aborted'))
          from ${webhookEvents}
          where ${webhookEvents.roomName} = ${roomName}
        )::int`,
      })
      .where(eq(sessions.roomName, roomName));
  }

  async setRecordingUrl(roomName: string, url: string): Promise<void> {
    await this.db
      .update(sessions)
      .set({ recordingUrl: url })
      .where(eq(sessions.roomName, roomName));
  }
}
