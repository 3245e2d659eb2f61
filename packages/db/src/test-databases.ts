import { createTestPostgresDatabase } from '@voxie/testkit';
import { createDatabase, type Database } from './client.js';
import { migrateDatabase } from './migrate.js';

/**
 * Test-only helpers, exported as `@voxie/db/testing` (source condition only, so never in a
 * production build): a migrated database of its own for each test file.
 */

/** Both backends every repository test runs on. */
export const BACKENDS = ['postgres', 'pglite'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface TestDatabase {
  database: Database;
  /** Connection string, for Postgres (other processes, LISTEN/NOTIFY); undefined for PGlite. */
  url: string | undefined;
  cleanup(): Promise<void>;
}

/** A migrated database of its own: a new database on the real server, or in-memory PGlite. */
export async function openMigratedTestDatabase(
  backend: Backend,
  label = 'db',
  poolMax = 20,
): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const database = await createDatabase();
    await migrateDatabase(database);
    return { database, url: undefined, cleanup: () => database.close() };
  }
  const server = await createTestPostgresDatabase(label);
  const database = await createDatabase({ url: server.url, poolMax });
  await migrateDatabase(database);
  return {
    database,
    url: server.url,
    async cleanup() {
      await database.close();
      await server.drop();
    },
  };
}

/** A migrated database of its own on the machine's Postgres server. */
export async function openTestDatabase(label: string): Promise<TestDatabase & { url: string }> {
  const test = await openMigratedTestDatabase('postgres', label, 5);
  if (test.url === undefined) throw new Error('a Postgres test database has a URL');
  return { ...test, url: test.url };
}
