import pg from 'pg';

/** Runs one query on its own connection (tests read what the apps wrote). */
export async function queryRows(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}
