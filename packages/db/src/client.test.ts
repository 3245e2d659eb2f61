import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPostgresDatabase } from '@voxie/testkit';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, queryRows } from './client.js';
import { DbError } from './errors.js';
import { MIGRATIONS_FOLDER, migrateDatabase } from './migrate.js';
import { AgentRepository } from './repositories/agent-repository.js';

describe('createDatabase', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('persists PGlite data on disk across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxie-pglite-'));
    dirs.push(dir);
    const first = await createDatabase({ dataDir: join(dir, 'data') });
    expect(first.kind).toBe('pglite');
    expect(first.location).toBe(`pglite:${join(dir, 'data')}`);
    await migrateDatabase(first);
    const agent = await new AgentRepository(first.db).create({
      ownerId: crypto.randomUUID(),
      name: 'Kept',
      draft: {},
    });
    await first.close();

    const second = await createDatabase({ dataDir: join(dir, 'data') });
    await migrateDatabase(second);
    expect((await new AgentRepository(second.db).get(agent.ownerId, agent.id))?.name).toBe('Kept');
    await second.close();
  });

  it('migrates Postgres once even when several processes race', async () => {
    const server = await createTestPostgresDatabase('migrate');
    const databases = await Promise.all([1, 2, 3].map(() => createDatabase({ url: server.url })));
    try {
      expect(databases[0]?.location).toContain(server.name);
      await Promise.all(databases.map((database) => migrateDatabase(database)));
      for (const database of databases) await migrateDatabase(database);
      const first = databases[0];
      if (!first) throw new Error('no database');
      const applied = await queryRows(
        first.db,
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      // One row per committed migration, however many there are.
      const journal = JSON.parse(
        readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'),
      ) as { entries: unknown[] };
      expect(applied).toEqual([{ n: journal.entries.length }]);
    } finally {
      await Promise.all(databases.map((database) => database.close()));
      await server.drop();
    }
  });

  it('does not print the password of a Postgres URL', async () => {
    const database = await createDatabase({
      url: 'postgres://voxie:s3cret-pass@127.0.0.1:5432/none',
    });
    expect(database.location).not.toContain('s3cret-pass');
    await database.close();
  });

  it('reports a clear migration failure when Postgres is unreachable', async () => {
    const database = await createDatabase({ url: 'postgres://voxie:pw@127.0.0.1:1/none' });
    const error = await migrateDatabase(database).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DbError);
    expect((error as DbError).code).toBe('migration_failed');
    expect((error as DbError).message).toBe(
      'database migration failed on postgres://voxie:[redacted]@127.0.0.1:1/none: connect ECONNREFUSED 127.0.0.1:1',
    );
    await database.close();
  });

  it.each(['postgres', 'pglite'] as const)(
    'serialises work under one lock key on %s',
    async (backend) => {
      const server = backend === 'postgres' ? await createTestPostgresDatabase('lock') : undefined;
      const databases = await Promise.all([1, 2].map(() => createDatabase({ url: server?.url })));
      const [a, b] = databases;
      if (!a || !b) throw new Error('no database');
      // PGlite is one process: both "instances" share nothing, so the lock is exercised within one.
      const pair = backend === 'postgres' ? [a, b] : [a, a];
      const log: string[] = [];
      const job = (name: string) => async () => {
        log.push(`${name}:start`);
        await new Promise((resolve) => setTimeout(resolve, 30));
        log.push(`${name}:end`);
      };
      await Promise.all([
        pair[0]?.withLock('room-x', job('one')),
        pair[1]?.withLock('room-x', job('two')),
      ]);
      expect(log).toEqual([
        `${log[0]?.split(':')[0]}:start`,
        `${log[0]?.split(':')[0]}:end`,
        expect.stringMatching(/:start$/),
        expect.stringMatching(/:end$/),
      ]);
      await expect(
        a.withLock('room-y', async () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await a.withLock('room-y', async () => 'free again')).toBe('free again');
      await Promise.all(databases.map((d) => d.close()));
      await server?.drop();
    },
  );
});
