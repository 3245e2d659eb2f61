import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { VoxieDb } from '../client.js';
import { agents, agentVersions } from '../schema.js';
import { decodeCursor, type Page, toPage } from './cursor.js';
import { required } from './required.js';

/** An agent row plus the number of its published version (null until published). */
export type Agent = typeof agents.$inferSelect & { publishedVersion: number | null };
export type AgentVersion = typeof agentVersions.$inferSelect;

export interface CreateAgentInput {
  ownerId: string;
  name: string;
  description?: string;
  draft: unknown;
}

export interface ListAgentsOptions {
  limit: number;
  cursor?: string;
  status?: Agent['status'];
}

export interface PublishedAgent {
  agent: Agent;
  version: AgentVersion;
}

/**
 * Agents and their immutable published versions. Every method except
 * {@link findPublishedForWorker} is scoped to an owner: another owner's agent is "not found".
 */
export class AgentRepository {
  constructor(private readonly db: VoxieDb) {}

  private selectAgents() {
    return this.db
      .select({ row: agents, publishedVersion: agentVersions.version })
      .from(agents)
      .leftJoin(agentVersions, eq(agentVersions.id, agents.publishedVersionId));
  }

  async create(input: CreateAgentInput): Promise<Agent> {
    const [agent] = await this.db
      .insert(agents)
      .values({
        ownerId: input.ownerId,
        name: input.name,
        description: input.description ?? '',
        draft: input.draft,
      })
      .returning();
    return { ...required(agent), publishedVersion: null };
  }

  async get(ownerId: string, id: string): Promise<Agent | undefined> {
    const [found] = await this.selectAgents().where(
      and(eq(agents.id, id), eq(agents.ownerId, ownerId)),
    );
    return found && toAgent(found);
  }

  /** The owner's agent whose name matches case-insensitively (newest first if several). */
  async findByName(ownerId: string, name: string): Promise<Agent | undefined> {
    const [found] = await this.selectAgents()
      .where(and(eq(agents.ownerId, ownerId), eq(sql`lower(${agents.name})`, name.toLowerCase())))
      .orderBy(desc(agents.createdAt))
      .limit(1);
    return found && toAgent(found);
  }

  /** Newest first, `limit` per page. Throws DbError `invalid_cursor` for a foreign cursor. */
  async list(ownerId: string, options: ListAgentsOptions): Promise<Page<Agent>> {
    const conditions = [eq(agents.ownerId, ownerId)];
    if (options.status) conditions.push(eq(agents.status, options.status));
    if (options.cursor) {
      const cursor = decodeCursor(options.cursor);
      const before = or(
        lt(agents.createdAt, cursor.createdAt),
        and(eq(agents.createdAt, cursor.createdAt), lt(agents.id, cursor.id)),
      );
      if (before) conditions.push(before);
    }
    const rows = await this.selectAgents()
      .where(and(...conditions))
      .orderBy(desc(agents.createdAt), desc(agents.id))
      .limit(options.limit + 1);
    return toPage(rows.map(toAgent), options.limit);
  }

  async updateDraft(
    ownerId: string,
    id: string,
    changes: { name?: string; description?: string; draft?: unknown },
  ): Promise<Agent | undefined> {
    const updated = await this.db
      .update(agents)
      .set({ ...changes, updatedAt: new Date() })
      .where(and(eq(agents.id, id), eq(agents.ownerId, ownerId)))
      .returning({ id: agents.id });
    return updated.length > 0 ? this.get(ownerId, id) : undefined;
  }

  async setStatus(
    ownerId: string,
    id: string,
    status: Agent['status'],
  ): Promise<Agent | undefined> {
    const updated = await this.db
      .update(agents)
      .set({ status, updatedAt: new Date() })
      .where(and(eq(agents.id, id), eq(agents.ownerId, ownerId)))
      .returning({ id: agents.id });
    return updated.length > 0 ? this.get(ownerId, id) : undefined;
  }

  /** Deletes the agent and its versions; sessions keep their history. */
  async delete(ownerId: string, id: string): Promise<boolean> {
    const deleted = await this.db
      .delete(agents)
      .where(and(eq(agents.id, id), eq(agents.ownerId, ownerId)))
      .returning({ id: agents.id });
    return deleted.length > 0;
  }

  /**
   * Snapshots `definition` (default: the current draft) as the next immutable version and makes
   * it the published one. Concurrent publishes of one agent get consecutive version numbers.
   */
  async publish(
    ownerId: string,
    id: string,
    definition?: unknown,
  ): Promise<AgentVersion | undefined> {
    return this.db.transaction(async (tx) => {
      const [agent] = await tx
        .select()
        .from(agents)
        .where(and(eq(agents.id, id), eq(agents.ownerId, ownerId)))
        .for('update');
      if (!agent) return undefined;
      const [latest] = await tx
        .select({ version: sql<number>`coalesce(max(${agentVersions.version}), 0)::int` })
        .from(agentVersions)
        .where(eq(agentVersions.agentId, id));
      const [version] = await tx
        .insert(agentVersions)
        .values({
          agentId: id,
          ownerId,
          version: (latest?.version ?? 0) + 1,
          definition: definition ?? agent.draft,
        })
        .returning();
      const published = required(version);
      await tx
        .update(agents)
        .set({ publishedVersionId: published.id, updatedAt: new Date() })
        .where(eq(agents.id, id));
      return published;
    });
  }

  /** Versions newest first. Undefined when the agent is not the owner's. */
  async listVersions(ownerId: string, id: string): Promise<AgentVersion[] | undefined> {
    if (!(await this.get(ownerId, id))) return undefined;
    return this.db
      .select()
      .from(agentVersions)
      .where(and(eq(agentVersions.agentId, id), eq(agentVersions.ownerId, ownerId)))
      .orderBy(desc(agentVersions.version));
  }

  /** Points the published version back at `version`; undefined if agent or version is unknown. */
  async rollback(ownerId: string, id: string, version: number): Promise<AgentVersion | undefined> {
    return this.db.transaction(async (tx) => {
      const [target] = await tx
        .select()
        .from(agentVersions)
        .where(
          and(
            eq(agentVersions.agentId, id),
            eq(agentVersions.ownerId, ownerId),
            eq(agentVersions.version, version),
          ),
        );
      if (!target) return undefined;
      await tx
        .update(agents)
        .set({ publishedVersionId: target.id, updatedAt: new Date() })
        .where(and(eq(agents.id, id), eq(agents.ownerId, ownerId)));
      return target;
    });
  }

  /** The owner's agent with its published version; undefined if either is missing. */
  async getPublished(ownerId: string, id: string): Promise<PublishedAgent | undefined> {
    const found = await this.findPublishedForWorker(id);
    return found && found.agent.ownerId === ownerId ? found : undefined;
  }

  /**
   * For workers, which act on behalf of whoever the control API dispatched them for and so
   * know only the agent id: the active agent and its published version, in one query.
   */
  async findPublishedForWorker(id: string): Promise<PublishedAgent | undefined> {
    const [row] = await this.db
      .select({ agent: agents, version: agentVersions })
      .from(agents)
      .innerJoin(agentVersions, eq(agentVersions.id, agents.publishedVersionId))
      .where(and(eq(agents.id, id), eq(agents.status, 'active')));
    return (
      row && {
        agent: { ...row.agent, publishedVersion: row.version.version },
        version: row.version,
      }
    );
  }
}

function toAgent(found: {
  row: typeof agents.$inferSelect;
  publishedVersion: number | null;
}): Agent {
  return { ...found.row, publishedVersion: found.publishedVersion };
}
