import { and, desc, eq, isNull } from 'drizzle-orm';
import type { VoxieDb } from '../client.js';
import { voxieDrafts } from '../schema.js';
import { required } from './required.js';

export type VoxieDraft = typeof voxieDrafts.$inferSelect;
export type VoxieDraftStatus = VoxieDraft['status'];

export interface CreateVoxieDraftInput {
  ownerId: string;
  sessionId?: string;
  agentId?: string;
  definition: unknown;
}

/**
 * Voxie's working drafts, one per thing a person is building or editing. Every method is scoped
 * to an owner: another owner's draft is "not found".
 */
export class VoxieDraftRepository {
  constructor(private readonly db: VoxieDb) {}

  async create(input: CreateVoxieDraftInput): Promise<VoxieDraft> {
    const [row] = await this.db
      .insert(voxieDrafts)
      .values({
        ownerId: input.ownerId,
        sessionId: input.sessionId ?? null,
        agentId: input.agentId ?? null,
        definition: input.definition,
      })
      .returning();
    return required(row);
  }

  async get(ownerId: string, id: string): Promise<VoxieDraft | undefined> {
    const [row] = await this.db
      .select()
      .from(voxieDrafts)
      .where(and(eq(voxieDrafts.id, id), eq(voxieDrafts.ownerId, ownerId)));
    return row;
  }

  /**
   * The draft a person who comes back should continue: their most recently changed open draft.
   * `agentId` narrows it to edits of that agent; `null` to drafts not yet saved as an agent;
   * absent means any open draft.
   */
  async findResumable(
    ownerId: string,
    options: { agentId?: string | null } = {},
  ): Promise<VoxieDraft | undefined> {
    const conditions = [eq(voxieDrafts.ownerId, ownerId), eq(voxieDrafts.status, 'open')];
    if (options.agentId === null) conditions.push(isNull(voxieDrafts.agentId));
    else if (options.agentId !== undefined)
      conditions.push(eq(voxieDrafts.agentId, options.agentId));
    const [row] = await this.db
      .select()
      .from(voxieDrafts)
      .where(and(...conditions))
      .orderBy(desc(voxieDrafts.updatedAt), desc(voxieDrafts.createdAt))
      .limit(1);
    return row;
  }

  /** Replaces the definition and/or links the draft to an agent or session. */
  async update(
    ownerId: string,
    id: string,
    changes: { definition?: unknown; agentId?: string; sessionId?: string },
  ): Promise<VoxieDraft | undefined> {
    const [row] = await this.db
      .update(voxieDrafts)
      .set({ ...changes, updatedAt: new Date() })
      .where(and(eq(voxieDrafts.id, id), eq(voxieDrafts.ownerId, ownerId)))
      .returning();
    return row;
  }

  /** `published` or `discarded` drafts are no longer offered for resuming. */
  async setStatus(
    ownerId: string,
    id: string,
    status: VoxieDraftStatus,
  ): Promise<VoxieDraft | undefined> {
    const [row] = await this.db
      .update(voxieDrafts)
      .set({ status, updatedAt: new Date() })
      .where(and(eq(voxieDrafts.id, id), eq(voxieDrafts.ownerId, ownerId)))
      .returning();
    return row;
  }
}
