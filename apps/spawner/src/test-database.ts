import { createDatabase, type Database, migrateDatabase } from '@voxie/db';
import { createTestPostgresDatabase } from '@voxie/testkit';

/** A migrated database of its own on the machine's Postgres, for one test file. */
export async function openTestDatabase(
  label: string,
): Promise<{ database: Database; url: string; cleanup(): Promise<void> }> {
  const server = await createTestPostgresDatabase(label);
  const database = await createDatabase({ url: server.url, poolMax: 5 });
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
