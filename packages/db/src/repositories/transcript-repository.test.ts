import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openMigratedTestDatabase, type TestDatabase } from '../test-databases.js';
import { SessionRepository } from './session-repository.js';
import { TranscriptRepository } from './transcript-repository.js';

describe.each(BACKENDS)('TranscriptRepository on %s', (backend) => {
  let test: TestDatabase;
  let sessions: SessionRepository;
  let transcripts: TranscriptRepository;
  const owner = randomUUID();

  beforeAll(async () => {
    test = await openMigratedTestDatabase(backend, 'transcripts');
    sessions = new SessionRepository(test.database.db);
    transcripts = new TranscriptRepository(test.database.db);
  });
  afterAll(() => test.cleanup());

  const newSession = () =>
    sessions.create({ ownerId: owner, kind: 'agent', roomName: `room-${randomUUID()}` });

  it('appends batches in order after what is stored', async () => {
    const session = await newSession();
    await transcripts.append(session.id, [
      { type: 'message', role: 'assistant', content: { text: 'Hello, how can I help?' } },
      { type: 'message', role: 'user', content: { text: 'Book a table' } },
    ]);
    const second = await transcripts.append(session.id, [
      { type: 'function_call', content: { name: 'book', arguments: '{"people":2}', callId: 'c1' } },
      { type: 'function_call_output', content: { callId: 'c1', output: 'booked' } },
      { type: 'agent_handoff', content: { from: 'greeter', to: 'booking' } },
    ]);
    expect(second.map((item) => item.seq)).toEqual([2, 3, 4]);
    const stored = await transcripts.list(owner, session.id);
    expect(stored.map((item) => [item.seq, item.type, item.role])).toEqual([
      [0, 'message', 'assistant'],
      [1, 'message', 'user'],
      [2, 'function_call', null],
      [3, 'function_call_output', null],
      [4, 'agent_handoff', null],
    ]);
    expect(stored[1]?.content).toEqual({ text: 'Book a table' });
    expect(await transcripts.list(randomUUID(), session.id)).toEqual([]);
    expect((await sessions.get(owner, session.id))?.transcriptLength).toBe(5);
  });

  it('keeps a gapless ordered sequence under 50 parallel appends', async () => {
    const session = await newSession();
    const batches = Array.from({ length: 50 }, (_, batch) =>
      Array.from({ length: 1 + (batch % 3) }, (_, i) => ({
        type: 'message' as const,
        role: 'user' as const,
        content: { batch, i },
      })),
    );
    await Promise.all(batches.map((items) => transcripts.append(session.id, items)));

    const stored = await transcripts.list(owner, session.id);
    const total = batches.reduce((n, items) => n + items.length, 0);
    expect(stored.map((item) => item.seq)).toEqual(Array.from({ length: total }, (_, i) => i));
    // Each batch landed contiguously and in its own order.
    for (let batch = 0; batch < batches.length; batch++) {
      const seqs = stored
        .filter((item) => (item.content as { batch: number }).batch === batch)
        .map((item) => ({ seq: item.seq, i: (item.content as { i: number }).i }));
      expect(seqs.map((s) => s.i)).toEqual(seqs.map((_, i) => i));
      expect(seqs.at(-1)?.seq ?? 0).toBe((seqs[0]?.seq ?? 0) + seqs.length - 1);
    }
  });

  it('refuses items for a session that does not exist', async () => {
    await expect(
      transcripts.append(randomUUID(), [{ type: 'message', role: 'user', content: {} }]),
    ).rejects.toThrow(/does not exist/);
    expect(await transcripts.append(randomUUID(), [])).toEqual([]);
  });
});
