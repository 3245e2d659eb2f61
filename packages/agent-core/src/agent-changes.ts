import { type Database, queryRows } from '@voxie/db';
import { sql } from 'drizzle-orm';

/** Postgres channel on which agent changes are announced; the payload is the agent id. */
export const AGENT_CHANGES_CHANNEL = 'voxie_agent_changes';

/**
 * Tells every spawner that an agent changed (published, rolled back, archived, deleted), so
 * their caches drop it at once instead of waiting for the TTL. Call after the change committed.
 * A no-op on PGlite (no other process can listen to an embedded database).
 */
export async function notifyAgentChanged(
  database: Pick<Database, 'db' | 'kind'>,
  agentId: string,
): Promise<void> {
  if (database.kind !== 'postgres') return;
  await queryRows(database.db, sql`select pg_notify(${AGENT_CHANGES_CHANNEL}, ${agentId})`);
}
