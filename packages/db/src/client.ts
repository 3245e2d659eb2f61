import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { redactUrl } from '@voxie/config';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import * as schema from './schema.js';

/** The drizzle database every repository works on, whichever driver is underneath. */
export type VoxieDb = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseOptions {
  /** Postgres connection string. When absent, an embedded PGlite database is used. */
  url?: string;
  /** PGlite data directory (created if missing). Absent with no `url`: in-memory PGlite. */
  dataDir?: string;
  /** Postgres pool size; default 10. */
  poolMax?: number;
}

export interface Database {
  kind: 'postgres' | 'pglite';
  db: VoxieDb;
  /** Where the data lives, safe to print (no password). */
  location: string;
  /** Runs `fn` on one dedicated connection (e.g. to hold an advisory lock). */
  withConnection<T>(fn: (db: VoxieDb) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` while holding a lock named `key`, so callers across processes sharing the
   * database take turns (a Postgres advisory lock; PGlite has one process, so a local queue).
   */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Round trip to the database; rejects when it cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the database: Postgres (Supabase or any server) when `url` is given, PGlite otherwise.
 * Postgres connections are pooled lazily, so this does not fail when the server is down; the
 * first query does.
 */
export async function createDatabase(options: DatabaseOptions = {}): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.poolMax ?? 10);
  return openPglite(options.dataDir);
}

function openPostgres(url: string, poolMax: number): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolMax, connectionTimeoutMillis: 5_000 });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = drizzlePostgres(pool, { schema }) as unknown as VoxieDb;
  return {
    kind: 'postgres',
    db,
    location: redactUrl(url),
    async withConnection(fn) {
      const client = await pool.connect();
      try {
        return await fn(drizzlePostgres(client, { schema }) as unknown as VoxieDb);
      } finally {
        client.release();
      }
    },
    async withLock(key, fn) {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock(hashtext($1))', [key]);
        try {
          return await fn();
        } finally {
          await client.query('select pg_advisory_unlock(hashtext($1))', [key]);
        }
      } finally {
        client.release();
      }
    },
    ping: () => ping(db),
    close: () => pool.end(),
  };
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  let client: PGlite;
  let location: string;
  if (dataDir) {
    const path = resolve(dataDir);
    mkdirSync(path, { recursive: true });
    client = await PGlite.create(path);
    location = `pglite:${path}`;
  } else {
    client = await PGlite.create();
    location = 'pglite:memory';
  }
  const db = drizzlePglite(client, { schema }) as unknown as VoxieDb;
  return {
    kind: 'pglite',
    db,
    location,
    // PGlite is a single connection already.
    withConnection: (fn) => fn(db),
    withLock: createLocalLock(),
    ping: () => ping(db),
    close: () => client.close(),
  };
}

/** Runs raw SQL and returns its rows; both drivers answer with `{ rows }`. */
export async function queryRows<Row = Record<string, unknown>>(
  db: VoxieDb,
  query: SQL,
): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown as { rows: Row[] };
  return result.rows;
}

/** Per-key FIFO lock for a single process. */
function createLocalLock(): Database['withLock'] {
  const tails = new Map<string, Promise<unknown>>();
  return async (key, fn) => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

async function ping(db: VoxieDb): Promise<void> {
  await db.execute(sql`select 1`);
}
