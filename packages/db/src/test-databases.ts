import { createTestPostgresDatabase } from '@voxie/testkit';
import { createDatabase, type Database } from './client.js';
import { migrateDatabase } from './migrate.js';

/** Both backends every repository test runs on. */
export const BACKENDS = ['postgres', 'pglite'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface TestDatabase {
  database: Database;
  cleanup(): Promise<void>;
}

/** A migrated database of its own: a new database on the real server, or in-memory PGlite. */
export async function openMigratedTestDatabase(
  backend: Backend,
  label = 'db',
): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const database = await createDatabase();
    await migrateDatabase(database);
    return { database, cleanup: () => database.close() };
  }
  const server = await createTestPostgresDatabase(label);
  const database = await createDatabase({ url: server.url, poolMax: 20 });
  await migrateDatabase(database);
  return {
    database,
    async cleanup() {
      await database.close();
      await server.drop();
    },
  };
}
