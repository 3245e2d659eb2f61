import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The machine's PostgreSQL server as the test suites reach it (trust auth). */
export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestPostgresDatabase {
  /** Connection string of the new, empty database. */
  url: string;
  name: string;
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>;
}

/**
 * Creates a fresh database on the real PostgreSQL server so a test file never shares state with
 * another file or another run. Name: `voxie_<label>_<random>`.
 */
export async function createTestPostgresDatabase(
  label = 'test',
  adminUrl = DEFAULT_ADMIN_URL,
): Promise<TestPostgresDatabase> {
  const name = `voxie_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(5).toString('hex')}`;
  await runAsAdmin(adminUrl, `create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => runAsAdmin(adminUrl, `drop database if exists "${name}" with (force)`),
  };
}

async function runAsAdmin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
