import { randomUUID } from 'node:crypto';
import { SessionRepository, WebhookEventRepository } from '@voxie/db';
import {
  createTestPostgresDatabase,
  type LoopbackLiveKitServer,
  startLoopbackLiveKit,
} from '@voxie/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, livekitEnvFor, type TestApp } from '../test-app.js';

describe('POST /v1/webhooks/livekit', () => {
  let livekit: LoopbackLiveKitServer;
  let t: TestApp;
  const ownerId = randomUUID();

  beforeAll(async () => {
    livekit = await startLoopbackLiveKit();
    t = await createTestApp({
      env: {
        ...livekitEnvFor(livekit),
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await livekit.close();
  });

  type Faults = Parameters<LoopbackLiveKitServer['signWebhook']>[1];
  function deliver(event: Record<string, unknown> & { event: string }, faults: Faults = {}) {
    const signed = livekit.signWebhook(
      event as Parameters<LoopbackLiveKitServer['signWebhook']>[0],
      faults,
    );
    const send = () =>
      t.app.inject({
        method: 'POST',
        url: '/v1/webhooks/livekit',
        headers: signed.headers,
        payload: signed.body,
      });
    return { signed, send };
  }
  const newSession = (roomName = `agent-${randomUUID()}-x1`) =>
    new SessionRepository(t.database.db).create({ ownerId, kind: 'agent', roomName });
  const sessionById = (id: string) => new SessionRepository(t.database.db).get(ownerId, id);
  const at = (iso: string) => String(Math.floor(new Date(iso).getTime() / 1000));

  it('stores a valid event and applies it to the session', async () => {
    const session = await newSession();
    const { signed, send } = deliver({
      event: 'room_started',
      id: `EV_${randomUUID()}`,
      createdAt: BigInt(at('2026-11-21T10:00:00Z')),
      room: { name: session.roomName, sid: 'RM_1' },
    });
    const response = await send();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'stored' });
    expect(await sessionById(session.id)).toMatchObject({
      status: 'active',
      startedAt: new Date('2026-11-21T10:00:00Z'),
    });
    expect(await new WebhookEventRepository(t.database.db).get(signed.event.id)).toMatchObject({
      event: 'room_started',
      roomName: session.roomName,
    });
  });

  it('rejects deliveries whose signature does not hold, with 401', async () => {
    const event = { event: 'room_started', id: `EV_${randomUUID()}`, room: { name: 'agent-x' } };
    const cases: Array<[Faults, string]> = [
      [{ tamperBody: true }, 'webhook rejected: body does not match its signature'],
      [
        { signingSecret: 'some-other-secret-some-other-secret' },
        'webhook rejected: signature is invalid or expired',
      ],
      [{ expired: true }, 'webhook rejected: signature is invalid or expired'],
      [{ authorization: 'missing' }, 'webhook rejected: missing Authorization header'],
    ];
    for (const [faults, message] of cases) {
      const response = await deliver(event, faults).send();
      expect(response.statusCode, JSON.stringify(faults)).toBe(401);
      expect(response.json()).toMatchObject({ error: 'unauthenticated', message });
    }
    expect(await new WebhookEventRepository(t.database.db).get(event.id)).toBeUndefined();
    const wrongKey = await createTestApp({
      backend: 'pglite',
      env: { LIVEKIT_API_KEY: 'another-key', LIVEKIT_API_SECRET: livekit.apiSecret },
    });
    try {
      const signed = livekit.signWebhook(event);
      const response = await wrongKey.app.inject({
        method: 'POST',
        url: '/v1/webhooks/livekit',
        headers: signed.headers,
        payload: signed.body,
      });
      expect(response.statusCode).toBe(401);
    } finally {
      await wrongKey.close();
    }
  });

  it('accepts a Bearer-prefixed signature (added by proxies); the signature still decides', async () => {
    const response = await deliver(
      { event: 'room_started', id: `EV_${randomUUID()}`, room: { name: 'agent-y' } },
      { authorization: 'bearer' },
    ).send();
    expect(response.statusCode).toBe(200);
  });

  it('treats a redelivery as a no-op', async () => {
    const session = await newSession();
    const { send } = deliver({
      event: 'participant_joined',
      id: `EV_${randomUUID()}`,
      room: { name: session.roomName },
      participant: { sid: 'PA_1', identity: 'caller' },
    });
    expect((await send()).json()).toEqual({ status: 'stored' });
    const again = await send();
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ status: 'duplicate' });
    expect((await sessionById(session.id))?.participantCount).toBe(1);
  });

  it('ends the session correctly when room_finished arrives before room_started', async () => {
    const session = await newSession();
    await deliver({
      event: 'room_finished',
      id: `EV_${randomUUID()}`,
      createdAt: BigInt(at('2026-11-21T10:10:00Z')),
      room: { name: session.roomName },
    }).send();
    await deliver({
      event: 'participant_left',
      id: `EV_${randomUUID()}`,
      createdAt: BigInt(at('2026-11-21T10:09:00Z')),
      room: { name: session.roomName },
      participant: { sid: 'PA_9' },
    }).send();
    await deliver({
      event: 'participant_joined',
      id: `EV_${randomUUID()}`,
      createdAt: BigInt(at('2026-11-21T10:01:00Z')),
      room: { name: session.roomName },
      participant: { sid: 'PA_9' },
    }).send();
    await deliver({
      event: 'room_started',
      id: `EV_${randomUUID()}`,
      createdAt: BigInt(at('2026-11-21T10:00:00Z')),
      room: { name: session.roomName },
    }).send();
    expect(await sessionById(session.id)).toMatchObject({
      status: 'ended',
      startedAt: new Date('2026-11-21T10:00:00Z'),
      endedAt: new Date('2026-11-21T10:10:00Z'),
      endReason: 'room_finished',
      participantCount: 0,
    });
  });

  it('records where an egress wrote the recording', async () => {
    const session = await newSession();
    const response = await deliver({
      event: 'egress_ended',
      id: `EV_${randomUUID()}`,
      egressInfo: {
        egressId: 'EG_1',
        roomName: session.roomName,
        fileResults: [{ filename: 'call.ogg', location: 's3://recordings/call.ogg' }],
      },
    }).send();
    expect(response.statusCode).toBe(200);
    expect((await sessionById(session.id))?.recordingUrl).toBe('s3://recordings/call.ogg');
  });

  it('stores unknown event types instead of rejecting them', async () => {
    const { signed, send } = deliver({
      event: 'agent_job_started',
      id: `EV_${randomUUID()}`,
      room: { name: 'agent-z' },
    });
    expect((await send()).statusCode).toBe(200);
    expect((await new WebhookEventRepository(t.database.db).get(signed.event.id))?.event).toBe(
      'agent_job_started',
    );
  });
});

describe('webhooks while the database is down', () => {
  it('answers 503 and stores the retried delivery exactly once', async () => {
    const livekit = await startLoopbackLiveKit();
    const server = await createTestPostgresDatabase('webhook_down');
    const t = await createTestApp({
      backend: 'pglite',
      env: {
        DATABASE_URL: server.url,
        ...livekitEnvFor(livekit),
      },
    });
    const admin = new pg.Client({
      connectionString: 'postgres://postgres@127.0.0.1:5432/postgres',
    });
    await admin.connect();
    try {
      const signed = livekit.signWebhook({
        event: 'room_started',
        id: `EV_${randomUUID()}`,
        room: { name: 'agent-q' },
      });
      const send = () =>
        t.app.inject({
          method: 'POST',
          url: '/v1/webhooks/livekit',
          headers: signed.headers,
          payload: signed.body,
        });

      await admin.query(`alter database "${server.name}" allow_connections false`);
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1',
        [server.name],
      );
      const down = await send();
      expect(down.statusCode).toBe(503);
      expect(down.json().error).toBe('service_unavailable');

      await admin.query(`alter database "${server.name}" allow_connections true`);
      const retried = await send();
      expect(retried.statusCode).toBe(200);
      expect(retried.json()).toEqual({ status: 'stored' });
      expect((await send()).json()).toEqual({ status: 'duplicate' });
      const rows = await t.database.db.query.webhookEvents.findMany({
        where: (e, { eq }) => eq(e.id, signed.event.id),
      });
      expect(rows).toHaveLength(1);
    } finally {
      await admin.query(`alter database "${server.name}" allow_connections true`);
      await admin.end();
      await t.close();
      await server.drop();
      await livekit.close();
    }
  });
});
