import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { VoxieDb } from '../client.js';
import { sessions } from '../schema.js';
import { decodeCursor, type Page, toPage } from './cursor.js';
import { required } from './required.js';

export type Session = typeof sessions.$inferSelect;

export interface CreateSessionInput {
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

  /** Removes a session row, e.g. when its room could not be created. */
  async delete(ownerId: string, id: string): Promise<boolean> {
    const deleted = await this.db
      .delete(sessions)
      .where(and(eq(sessions.id, id), eq(sessions.ownerId, ownerId)))
      .returning({ id: sessions.id });
    return deleted.length > 0;
  }
}
