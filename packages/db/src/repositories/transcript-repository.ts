import { and, asc, eq, sql } from 'drizzle-orm';
import type { VoxieDb } from '../client.js';
import { sessions, transcriptItems } from '../schema.js';

export type TranscriptItem = typeof transcriptItems.$inferSelect;

export interface TranscriptItemInput {
  type: TranscriptItem['type'];
  role?: TranscriptItem['role'];
  /** Text or structured payload (tool call, tool output, handoff). */
  content: unknown;
  /** When it was said; default now. */
  createdAt?: Date;
}

/** Ordered conversation items per session. */
export class TranscriptRepository {
  constructor(private readonly db: VoxieDb) {}

  /**
   * Appends `items` in order after everything already stored for the session, as one batch.
   * Concurrent appends to one session serialise on the session row, so `seq` stays gapless:
   * each batch reserves a range by bumping `sessions.transcript_length` in the same transaction
   * that inserts it. Returns the stored items; throws if the session does not exist.
   */
  async append(
    sessionId: string,
    items: readonly TranscriptItemInput[],
  ): Promise<TranscriptItem[]> {
    if (items.length === 0) return [];
    return this.db.transaction(async (tx) => {
      const [reserved] = await tx
        .update(sessions)
        .set({ transcriptLength: sql`${sessions.transcriptLength} + ${items.length}` })
        .where(eq(sessions.id, sessionId))
        .returning({ length: sessions.transcriptLength, ownerId: sessions.ownerId });
      if (!reserved) throw new Error(`session ${sessionId} does not exist`);
      const first = reserved.length - items.length;
      return tx
        .insert(transcriptItems)
        .values(
          items.map((item, index) => ({
            sessionId,
            seq: first + index,
            ownerId: reserved.ownerId,
            type: item.type,
            role: item.role ?? null,
            content: item.content,
            createdAt: item.createdAt ?? new Date(),
          })),
        )
        .returning();
    });
  }

  /** The owner's session transcript in order. */
  async list(ownerId: string, sessionId: string): Promise<TranscriptItem[]> {
    return this.db
      .select()
      .from(transcriptItems)
      .where(and(eq(transcriptItems.sessionId, sessionId), eq(transcriptItems.ownerId, ownerId)))
      .orderBy(asc(transcriptItems.seq));
  }
}
