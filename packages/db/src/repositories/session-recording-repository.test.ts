import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openMigratedTestDatabase, type TestDatabase } from '../test-databases.js';
import { AgentRepository } from './agent-repository.js';
import { SessionRecordingRepository } from './session-recording-repository.js';
import { SessionRepository } from './session-repository.js';

describe.each(BACKENDS)('SessionRecordingRepository on %s', (backend) => {
  let test: TestDatabase;
  let recording: SessionRecordingRepository;
  let sessions: SessionRepository;
  let agents: AgentRepository;
  const owner = randomUUID();

  beforeAll(async () => {
    test = await openMigratedTestDatabase(backend, 'recording');
    recording = new SessionRecordingRepository(test.database.db);
    sessions = new SessionRepository(test.database.db);
    agents = new AgentRepository(test.database.db);
  });
  afterAll(() => test.cleanup());

  it('creates the row for an unknown room and keeps the first start time', async () => {
    const agent = await agents.create({ ownerId: owner, name: 'A', draft: {} });
    const version = await agents.publish(owner, agent.id);
    const roomName = `agent-${agent.id}-abc`;
    const first = await recording.start({
      ownerId: owner,
      kind: 'agent',
      roomName,
      agentId: agent.id,
      agentVersionId: version?.id,
      startedAt: new Date('2026-01-01T00:00:00Z'),
    });
    expect(first).toMatchObject({ status: 'active', agentId: agent.id, ownerId: owner });
    const again = await recording.start({
      ownerId: owner,
      kind: 'agent',
      roomName,
      startedAt: new Date('2026-01-02T00:00:00Z'),
    });
    expect(again.id).toBe(first.id);
    expect(again.startedAt?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(again.agentVersionId).toBe(version?.id);
  });

  it('activates a row the control API created', async () => {
    const created = await sessions.create({ ownerId: owner, kind: 'agent', roomName: 'room-x' });
    const started = await recording.start({ ownerId: owner, kind: 'agent', roomName: 'room-x' });
    expect(started.id).toBe(created.id);
    expect(started.status).toBe('active');
    expect(started.startedAt).toBeInstanceOf(Date);
  });

  it('finishes a session with reason, usage and metrics', async () => {
    const session = await recording.start({ ownerId: owner, kind: 'agent', roomName: 'room-y' });
    await recording.finish(session.id, {
      status: 'ended',
      endReason: 'participant_disconnected',
      usage: { modelUsage: [{ provider: 'x', inputTokens: 3 }] },
      metrics: { turns: 2 },
    });
    const stored = await sessions.get(owner, session.id);
    expect(stored).toMatchObject({
      status: 'ended',
      endReason: 'participant_disconnected',
      usage: { modelUsage: [{ provider: 'x', inputTokens: 3 }] },
      metrics: { turns: 2 },
    });
    expect(stored?.endedAt).toBeInstanceOf(Date);
    expect(await recording.finish(randomUUID(), { status: 'failed', endReason: 'x' })).toBe(
      undefined,
    );
  });

  it('finds a pinned version only for its own active agent', async () => {
    const agent = await agents.create({ ownerId: owner, name: 'B', draft: { v: 1 } });
    const other = await agents.create({ ownerId: owner, name: 'C', draft: {} });
    const v1 = await agents.publish(owner, agent.id);
    const otherVersion = await agents.publish(owner, other.id);
    if (!v1 || !otherVersion) throw new Error('publish failed');
    expect((await recording.findAgentVersion(agent.id, v1.id))?.version.definition).toEqual({
      v: 1,
    });
    expect(await recording.findAgentVersion(agent.id, otherVersion.id)).toBeUndefined();
    await agents.setStatus(owner, agent.id, 'archived');
    expect(await recording.findAgentVersion(agent.id, v1.id)).toBeUndefined();
  });

  it('finds active agents by name across owners', async () => {
    const name = `Desk ${randomUUID()}`;
    const a = await agents.create({ ownerId: owner, name, draft: {} });
    const b = await agents.create({ ownerId: randomUUID(), name: name.toUpperCase(), draft: {} });
    const archived = await agents.create({ ownerId: owner, name, draft: {} });
    await agents.setStatus(owner, archived.id, 'archived');
    const found = await recording.findActiveAgentsByName(name.toLowerCase());
    expect(found.map((agent) => agent.id).sort()).toEqual([a.id, b.id].sort());
  });
});
