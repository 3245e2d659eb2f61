import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openMigratedTestDatabase, type TestDatabase } from '../test-databases.js';
import { AgentRepository } from './agent-repository.js';
import { VoxieDraftRepository } from './voxie-draft-repository.js';

describe.each(BACKENDS)('VoxieDraftRepository on %s', (backend) => {
  let test: TestDatabase;
  let drafts: VoxieDraftRepository;
  let agents: AgentRepository;

  beforeAll(async () => {
    test = await openMigratedTestDatabase(backend, 'voxie_drafts');
    drafts = new VoxieDraftRepository(test.database.db);
    agents = new AgentRepository(test.database.db);
  });
  afterAll(() => test.cleanup());

  it('creates, reads and updates a draft scoped to its owner', async () => {
    const owner = randomUUID();
    const sessionId = randomUUID();
    const created = await drafts.create({ ownerId: owner, sessionId, definition: { name: 'A' } });
    expect(created).toMatchObject({ ownerId: owner, sessionId, agentId: null, status: 'open' });
    expect(await drafts.get(owner, created.id)).toMatchObject({ definition: { name: 'A' } });
    expect(await drafts.get(randomUUID(), created.id)).toBeUndefined();

    const updated = await drafts.update(owner, created.id, { definition: { name: 'B' } });
    expect(updated?.definition).toEqual({ name: 'B' });
    expect(updated && updated.updatedAt >= created.updatedAt).toBe(true);
    expect(await drafts.update(randomUUID(), created.id, { definition: {} })).toBeUndefined();
    expect((await drafts.get(owner, created.id))?.definition).toEqual({ name: 'B' });
  });

  it('resumes the newest open draft, narrowed by agent, never another owner’s', async () => {
    const owner = randomUUID();
    const agent = await agents.create({ ownerId: owner, name: 'Desk', draft: {} });
    const older = await drafts.create({ ownerId: owner, definition: { name: 'old' } });
    const editing = await drafts.create({
      ownerId: owner,
      agentId: agent.id,
      definition: { name: 'Desk' },
    });
    const newest = await drafts.create({ ownerId: owner, definition: { name: 'new' } });
    await drafts.create({ ownerId: randomUUID(), definition: { name: 'someone else' } });

    expect((await drafts.findResumable(owner))?.id).toBe(newest.id);
    expect((await drafts.findResumable(owner, { agentId: agent.id }))?.id).toBe(editing.id);
    expect((await drafts.findResumable(owner, { agentId: null }))?.id).toBe(newest.id);

    await drafts.setStatus(owner, newest.id, 'published');
    expect((await drafts.findResumable(owner, { agentId: null }))?.id).toBe(older.id);
    await drafts.update(owner, editing.id, { definition: { name: 'Desk 2' } });
    expect((await drafts.findResumable(owner))?.id).toBe(editing.id);
    await drafts.setStatus(owner, editing.id, 'discarded');
    expect(await drafts.findResumable(owner, { agentId: agent.id })).toBeUndefined();
    expect(await drafts.findResumable(randomUUID())).toBeUndefined();
  });

  it('rejects an unknown status and drops drafts with their agent', async () => {
    const owner = randomUUID();
    const agent = await agents.create({ ownerId: owner, name: 'Gone', draft: {} });
    const draft = await drafts.create({ ownerId: owner, agentId: agent.id, definition: {} });
    await expect(drafts.setStatus(owner, draft.id, 'weird' as unknown as 'open')).rejects.toThrow();
    await agents.delete(owner, agent.id);
    expect(await drafts.get(owner, draft.id)).toBeUndefined();
  });
});
