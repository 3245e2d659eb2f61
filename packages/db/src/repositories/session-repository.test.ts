import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openMigratedTestDatabase, type TestDatabase } from '../test-databases.js';
import { AgentRepository } from './agent-repository.js';
import { SessionRepository } from './session-repository.js';
import { WebhookEventRepository } from './webhook-event-repository.js';

describe.each(BACKENDS)('SessionRepository on %s', (backend) => {
  let test: TestDatabase;
  let sessions: SessionRepository;
  let agents: AgentRepository;
  const owner = randomUUID();

  beforeAll(async () => {
    test = await openMigratedTestDatabase(backend, 'sessions');
    sessions = new SessionRepository(test.database.db);
    agents = new AgentRepository(test.database.db);
  });
  afterAll(() => test.cleanup());

  it('creates sessions scoped to their owner and finds them by room', async () => {
    const agent = await agents.create({ ownerId: owner, name: 'A', draft: {} });
    const roomName = `agent-${agent.id}-abc`;
    const session = await sessions.create({
      ownerId: owner,
      kind: 'agent',
      agentId: agent.id,
      roomName,
    });
    expect(session).toMatchObject({
      status: 'created',
      participantCount: 0,
      transcriptLength: 0,
      startedAt: null,
    });
    expect(await sessions.get(owner, session.id)).toEqual(session);
    expect(await sessions.get(randomUUID(), session.id)).toBeUndefined();
    expect((await sessions.findByRoomName(roomName))?.id).toBe(session.id);
    await expect(sessions.create({ ownerId: owner, kind: 'agent', roomName })).rejects.toThrow();
  });

  it('filters and pages the owner’s sessions', async () => {
    const lister = randomUUID();
    const agent = await agents.create({ ownerId: lister, name: 'B', draft: {} });
    for (let i = 0; i < 3; i++) {
      await sessions.create({
        ownerId: lister,
        kind: 'agent',
        agentId: agent.id,
        roomName: `agent-${agent.id}-${i}`,
      });
    }
    await sessions.create({
      ownerId: lister,
      kind: 'voxie',
      roomName: `voxie-creation-${randomUUID().slice(0, 8)}`,
    });

    const byAgent = await sessions.list(lister, { limit: 2, agentId: agent.id });
    expect(byAgent.items).toHaveLength(2);
    const rest = await sessions.list(lister, {
      limit: 2,
      agentId: agent.id,
      cursor: byAgent.nextCursor ?? '',
    });
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
    expect((await sessions.list(lister, { limit: 10, kind: 'voxie' })).items).toHaveLength(1);
    expect((await sessions.list(lister, { limit: 10, status: 'ended' })).items).toHaveLength(0);

    const victim = byAgent.items[0];
    expect(await sessions.delete(randomUUID(), victim?.id ?? '')).toBe(false);
    expect(await sessions.delete(lister, victim?.id ?? '')).toBe(true);
  });

  it('keeps sessions when their agent is deleted', async () => {
    const agent = await agents.create({ ownerId: owner, name: 'Gone', draft: {} });
    const session = await sessions.create({
      ownerId: owner,
      kind: 'agent',
      agentId: agent.id,
      roomName: `agent-${agent.id}-x`,
    });
    await agents.delete(owner, agent.id);
    expect((await sessions.get(owner, session.id))?.agentId).toBeNull();
  });

  it('applies room lifecycle events in either order', async () => {
    const t0 = new Date('2026-11-21T10:00:00.000Z');
    const t1 = new Date('2026-11-21T10:05:00.000Z');
    const inOrder = await sessions.create({
      ownerId: owner,
      kind: 'agent',
      roomName: `room-${randomUUID()}`,
    });
    await sessions.markRoomStarted(inOrder.roomName, t0);
    expect(await sessions.get(owner, inOrder.id)).toMatchObject({
      status: 'active',
      startedAt: t0,
    });
    await sessions.markRoomFinished(inOrder.roomName, t1);
    expect(await sessions.get(owner, inOrder.id)).toMatchObject({
      status: 'ended',
      startedAt: t0,
      endedAt: t1,
      endReason: 'room_finished',
    });

    const reversed = await sessions.create({
      ownerId: owner,
      kind: 'agent',
      roomName: `room-${randomUUID()}`,
    });
    await sessions.markRoomFinished(reversed.roomName, t1);
    await sessions.markRoomStarted(reversed.roomName, t0);
    expect(await sessions.get(owner, reversed.id)).toMatchObject({
      status: 'ended',
      startedAt: t0,
      endedAt: t1,
    });
    expect(await sessions.markRoomStarted('no-such-room', t0)).toBe(false);
  });

  it('counts participants from stored events regardless of arrival order', async () => {
    const events = new WebhookEventRepository(test.database.db);
    const session = await sessions.create({
      ownerId: owner,
      kind: 'agent',
      roomName: `room-${randomUUID()}`,
    });
    const store = (id: string, event: string, sid: string) =>
      events.insertIfNew({
        id,
        event,
        roomName: session.roomName,
        occurredAt: new Date(),
        payload: { participant: { sid } },
      });
    await store(`EV_${randomUUID()}`, 'participant_left', 'PA_a');
    await sessions.recountParticipants(session.roomName);
    await store(`EV_${randomUUID()}`, 'participant_joined', 'PA_a');
    await store(`EV_${randomUUID()}`, 'participant_joined', 'PA_b');
    await sessions.recountParticipants(session.roomName);
    expect((await sessions.get(owner, session.id))?.participantCount).toBe(1);
    await sessions.setRecordingUrl(session.roomName, 's3://bucket/rec.mp4');
    expect((await sessions.get(owner, session.id))?.recordingUrl).toBe('s3://bucket/rec.mp4');
  });

  it('accepts a caller-chosen id', async () => {
    const id = randomUUID();
    const session = await sessions.create({
      id,
      ownerId: owner,
      kind: 'voxie',
      roomName: `room-${id}`,
    });
    expect(session.id).toBe(id);
  });

  it('tells which rooms have sessions', async () => {
    const session = await sessions.create({
      ownerId: owner,
      kind: 'agent',
      roomName: `room-${randomUUID()}`,
    });
    expect(await sessions.roomsWithSessions([session.roomName, 'room-nobody'])).toEqual(
      new Set([session.roomName]),
    );
    expect(await sessions.roomsWithSessions([])).toEqual(new Set());
  });
});
