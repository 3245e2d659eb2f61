import { ConfigError } from '@voxie/config';
import { migrateDatabase } from '@voxie/db';
import { loadControlApiEnv } from '../env.js';
import { openDatabase } from '../server.js';

// `pnpm db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded PGlite.
try {
  const env = loadControlApiEnv({ NODE_ENV: 'development', ...process.env });
  const database = await openDatabase(env);
  try {
    await migrateDatabase(database);
    process.stdout.write(`migrated ${database.location}\n`);
  } finally {
    await database.close();
  }
} catch (error) {
  process.stderr.write(
    `db:migrate: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
}
