import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openMigratedTestDatabase, type TestDatabase } from '../test-databases.js';
import { WebhookEventRepository } from './webhook-event-repository.js';

describe.each(BACKENDS)('WebhookEventRepository on %s', (backend) => {
  let test: TestDatabase;
  let events: WebhookEventRepository;

  beforeAll(async () => {
    test = await openMigratedTestDatabase(backend, 'webhooks');
    events = new WebhookEventRepository(test.database.db);
  });
  afterAll(() => test.cleanup());

  const event = (id: string) => ({
    id,
    event: 'room_started',
    roomName: 'agent-x',
    occurredAt: new Date('2026-11-21T10:00:00.000Z'),
    payload: { id, event: 'room_started', room: { name: 'agent-x' } },
  });

  it('stores an event once; redelivery is a no-op', async () => {
    expect(await events.insertIfNew(event('EV_one'))).toBe(true);
    expect(await events.insertIfNew({ ...event('EV_one'), event: 'room_finished' })).toBe(false);
    expect(await events.get('EV_one')).toMatchObject({
      event: 'room_started',
      roomName: 'agent-x',
    });
  });

  it('lets exactly one of many concurrent deliveries store the event', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => events.insertIfNew(event('EV_race'))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('stores a batch in one statement, once per id', async () => {
    await events.insertIfNew(event('EV_batch_old'));
    const stored = await events.insertManyIfNew([
      event('EV_batch_a'),
      event('EV_batch_old'),
      event('EV_batch_b'),
      event('EV_batch_a'),
    ]);
    expect([...stored].sort()).toEqual(['EV_batch_a', 'EV_batch_b']);
    expect(await events.insertManyIfNew([])).toEqual(new Set());
  });
});
