import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../client.js';
import { DbError } from '../errors.js';
import { BACKENDS, openMigratedTestDatabase, type TestDatabase } from '../test-databases.js';
import { AgentRepository } from './agent-repository.js';

describe.each(BACKENDS)('AgentRepository on %s', (backend) => {
  let test: TestDatabase;
  let agents: AgentRepository;
  const owner = randomUUID();
  const stranger = randomUUID();

  beforeAll(async () => {
    test = await openMigratedTestDatabase(backend, 'agents');
    agents = new AgentRepository(test.database.db);
  });
  afterAll(() => test.cleanup());

  it('creates, reads and edits an agent only for its owner', async () => {
    const agent = await agents.create({
      ownerId: owner,
      name: 'Receptionist',
      draft: { instructions: 'hi' },
    });
    expect(agent).toMatchObject({
      ownerId: owner,
      name: 'Receptionist',
      status: 'active',
      publishedVersionId: null,
    });
    expect(await agents.get(owner, agent.id)).toEqual(agent);
    expect(await agents.get(stranger, agent.id)).toBeUndefined();
    expect(await agents.findByName(owner, 'RECEPTIONIST')).toMatchObject({ id: agent.id });
    expect(await agents.findByName(stranger, 'receptionist')).toBeUndefined();

    expect(await agents.updateDraft(stranger, agent.id, { name: 'Hijacked' })).toBeUndefined();
    const edited = await agents.updateDraft(owner, agent.id, { draft: { instructions: 'hello' } });
    expect(edited?.draft).toEqual({ instructions: 'hello' });
    expect(edited?.updatedAt.getTime()).toBeGreaterThanOrEqual(agent.updatedAt.getTime());
    expect(await agents.delete(stranger, agent.id)).toBe(false);
  });

  it('publishes immutable versions, serves the published one and rolls back', async () => {
    const agent = await agents.create({ ownerId: owner, name: 'Versions', draft: { v: 1 } });
    expect(await agents.findPublishedForWorker(agent.id)).toBeUndefined();

    const v1 = await agents.publish(owner, agent.id);
    await agents.updateDraft(owner, agent.id, { draft: { v: 2 } });
    const v2 = await agents.publish(owner, agent.id);
    expect([v1?.version, v2?.version]).toEqual([1, 2]);
    expect((await agents.get(owner, agent.id))?.publishedVersion).toBe(2);
    expect(
      (await agents.list(owner, { limit: 50 })).items.find((a) => a.id === agent.id)
        ?.publishedVersion,
    ).toBe(2);
    expect(v1?.definition).toEqual({ v: 1 });
    expect((await agents.findPublishedForWorker(agent.id))?.version.definition).toEqual({ v: 2 });
    expect(await agents.publish(stranger, agent.id)).toBeUndefined();
    expect(await agents.getPublished(stranger, agent.id)).toBeUndefined();

    expect((await agents.listVersions(owner, agent.id))?.map((v) => v.version)).toEqual([2, 1]);
    expect(await agents.listVersions(stranger, agent.id)).toBeUndefined();

    expect((await agents.rollback(owner, agent.id, 1))?.id).toBe(v1?.id);
    expect((await agents.getPublished(owner, agent.id))?.version.definition).toEqual({ v: 1 });
    expect(await agents.rollback(owner, agent.id, 9)).toBeUndefined();
    expect(await agents.rollback(stranger, agent.id, 2)).toBeUndefined();

    await expect(
      test.database.db.execute(
        sql`update agent_versions set definition = '{"v": 3}' where agent_id = ${agent.id}`,
      ),
    ).rejects.toThrow();
    expect((await agents.listVersions(owner, agent.id))?.[1]?.definition).toEqual({ v: 1 });
  });

  it('numbers concurrent publishes consecutively', async () => {
    const agent = await agents.create({ ownerId: owner, name: 'Busy', draft: {} });
    const versions = await Promise.all(
      Array.from({ length: 10 }, () => agents.publish(owner, agent.id)),
    );
    expect(versions.map((v) => v?.version).sort((a = 0, b = 0) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });

  it('hides archived agents from workers and deletes versions with the agent', async () => {
    const agent = await agents.create({ ownerId: owner, name: 'Old', draft: {} });
    await agents.publish(owner, agent.id);
    await agents.setStatus(owner, agent.id, 'archived');
    expect(await agents.findPublishedForWorker(agent.id)).toBeUndefined();
    expect(await agents.delete(owner, agent.id)).toBe(true);
    expect(await agents.get(owner, agent.id)).toBeUndefined();
    const left = await queryRows(
      test.database.db,

      sql`select count(*)::int as n from agent_versions where agent_id = ${agent.id}`,
    );
    expect(left).toEqual([{ n: 0 }]);
  });

  it('pages through an owner’s agents newest first with a cursor', async () => {
    const pager = randomUUID();
    const created = [];
    for (let i = 0; i < 5; i++)
      created.push(await agents.create({ ownerId: pager, name: `a${i}`, draft: {} }));
    await agents.create({ ownerId: stranger, name: 'not mine', draft: {} });

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await agents.list(pager, { limit: 2, cursor });
      seen.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    const all = (await agents.list(pager, { limit: 10 })).items;
    expect(seen).toEqual(all.map((a) => a.id));
    expect(new Set(seen)).toEqual(new Set(created.map((a) => a.id)));
    const times = all.map((a) => a.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));

    await agents.setStatus(pager, created[0]?.id ?? '', 'archived');
    const archived = await agents.list(pager, { limit: 10, status: 'archived' });
    expect(archived.items.map((a) => a.name)).toEqual(['a0']);
    await expect(agents.list(pager, { limit: 2, cursor: 'bogus' })).rejects.toBeInstanceOf(DbError);
  });
});
