import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type VoxieDb } from './client.js';
import { AgentRepository } from './repositories/agent-repository.js';
import { BACKENDS, openMigratedTestDatabase, type TestDatabase } from './test-databases.js';

/** Runs `fn` as Supabase's `authenticated` role with a JWT whose subject is `userId`. */
async function asUser<T>(db: VoxieDb, userId: string, fn: (tx: VoxieDb) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local role authenticated`);
    await tx.execute(
      sql`select set_config('request.jwt.claims', ${JSON.stringify({ sub: userId, role: 'authenticated' })}, true)`,
    );
    return fn(tx as unknown as VoxieDb);
  });
}

/** The database's own error message (drizzle wraps it as the cause of "Failed query"). */
async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the statement to fail');
  return error.cause instanceof Error ? error.cause.message : error.message;
}

describe.each(BACKENDS)('row-level security on %s', (backend) => {
  let test: TestDatabase;
  const alice = randomUUID();
  const bob = randomUUID();
  let aliceAgentId: string;

  beforeAll(async () => {
    test = await openMigratedTestDatabase(backend, 'rls');
    const agents = new AgentRepository(test.database.db);
    const agent = await agents.create({
      ownerId: alice,
      name: 'Alice agent',
      draft: { secret: 'plan' },
    });
    await agents.publish(alice, agent.id);
    aliceAgentId = agent.id;
  });
  afterAll(() => test.cleanup());

  it('shows a user only their own agents', async () => {
    const asAlice = await asUser(test.database.db, alice, (tx) =>
      queryRows(tx, sql`select id from agents`),
    );
    expect(asAlice).toEqual([{ id: aliceAgentId }]);
    const asBob = await asUser(test.database.db, bob, (tx) =>
      queryRows(tx, sql`select id from agents`),
    );
    expect(asBob).toEqual([]);
    const versions = await asUser(test.database.db, bob, (tx) =>
      queryRows(tx, sql`select id from agent_versions`),
    );
    expect(versions).toEqual([]);
  });

  it('stops a user changing or deleting another owner’s agent', async () => {
    const updated = await asUser(test.database.db, bob, (tx) =>
      queryRows(tx, sql`update agents set name = 'pwned' where id = ${aliceAgentId} returning id`),
    );
    expect(updated).toEqual([]);
    const deleted = await asUser(test.database.db, bob, (tx) =>
      queryRows(tx, sql`delete from agents where id = ${aliceAgentId} returning id`),
    );
    expect(deleted).toEqual([]);
    const still = await queryRows(
      test.database.db,
      sql`select name from agents where id = ${aliceAgentId}`,
    );
    expect(still).toEqual([{ name: 'Alice agent' }]);
  });

  it('stops a user creating rows owned by someone else, or taking over a row', async () => {
    expect(
      await failure(
        asUser(test.database.db, bob, (tx) =>
          tx.execute(
            sql`insert into agents (owner_id, name, draft) values (${alice}, 'forged', '{}')`,
          ),
        ),
      ),
    ).toMatch(/row-level security/);
    expect(
      await failure(
        asUser(test.database.db, alice, (tx) =>
          tx.execute(sql`update agents set owner_id = ${bob} where id = ${aliceAgentId}`),
        ),
      ),
    ).toMatch(/row-level security/);
  });

  it('gives end users no access to API keys or webhook events', async () => {
    for (const table of ['api_keys', 'webhook_events']) {
      expect(
        await failure(
          asUser(test.database.db, alice, (tx) => tx.execute(sql.raw(`select * from ${table}`))),
        ),
      ).toMatch(/permission denied/);
    }
  });
});
