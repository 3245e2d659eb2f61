import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestPostgresDatabase } from './postgres.js';

describe('createTestPostgresDatabase', () => {
  it('creates an isolated database and drops it even with connections open', async () => {
    const first = await createTestPostgresDatabase('fixture');
    const second = await createTestPostgresDatabase('fixture');
    expect(first.name).not.toBe(second.name);

    const client = new pg.Client({ connectionString: first.url });
    await client.connect();
    await client.query('create table t (x int)');
    const { rows } = await client.query<{ db: string }>('select current_database() as db');
    expect(rows[0]?.db).toBe(first.name);
    client.on('error', () => {});

    await first.drop();
    await second.drop();
    const admin = new pg.Client({
      connectionString: 'postgres://postgres@127.0.0.1:5432/postgres',
    });
    await admin.connect();
    const left = await admin.query('select 1 from pg_database where datname = any($1)', [
      [first.name, second.name],
    ]);
    await admin.end();
    expect(left.rowCount).toBe(0);
  });
});
