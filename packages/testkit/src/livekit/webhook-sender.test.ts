import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Room } from '@livekit/protocol';
import { RoomServiceClient, WebhookReceiver } from 'livekit-server-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LoopbackLiveKitServer, startLoopbackLiveKit } from './loopback-livekit-server.js';
import { sendWebhook, WEBHOOK_CONTENT_TYPE } from './webhook-sender.js';

interface Received {
  body: string;
  authorization: string | undefined;
  contentType: string | undefined;
}

/** A webhook endpoint that keeps the raw requests and answers from a script (default 200). */
class CapturingReceiver {
  readonly received: Received[] = [];
  readonly statuses: number[] = [];
  url = '';
  readonly #server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
      });
      res.writeHead(this.statuses.shift() ?? 200).end();
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/webhook`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

let livekit: LoopbackLiveKitServer;
let target: CapturingReceiver;
let sdkReceiver: WebhookReceiver;

beforeAll(async () => {
  target = new CapturingReceiver();
  await target.start();
  livekit = await startLoopbackLiveKit({ webhookUrls: [target.url], webhookRetryDelayMs: 10 });
  sdkReceiver = new WebhookReceiver(livekit.apiKey, livekit.apiSecret);
});
afterAll(async () => {
  await livekit.close();
  await target.stop();
});
afterEach(async () => {
  await livekit.settle();
  target.received.length = 0;
});

const room = new Room({ sid: 'RM_abcdefghijkl', name: 'agent-x-1', creationTime: 1_700_000_000n });

describe('sendWebhook', () => {
  it('posts what the SDK WebhookReceiver accepts: raw JWT, webhook+json, id and createdAt', async () => {
    const delivery = await livekit.sendWebhook(target.url, { event: 'room_started', room });
    expect(delivery.status).toBe(200);
    const [received] = target.received;
    expect(received?.contentType).toBe(WEBHOOK_CONTENT_TYPE);
    expect(received?.authorization).toBe(delivery.authorization);
    expect(received?.authorization).not.toMatch(/^Bearer /);

    const event = await sdkReceiver.receive(received?.body ?? '', received?.authorization);
    expect(event.event).toBe('room_started');
    expect(event.id).toMatch(/^EV_/);
    expect(Number(event.createdAt)).toBeCloseTo(Date.now() / 1000, -1);
    expect(event.room?.name).toBe('agent-x-1');
    // The body is camelCase protobuf JSON with int64 as strings.
    expect(JSON.parse(received?.body ?? '')).toMatchObject({
      event: 'room_started',
      room: { sid: 'RM_abcdefghijkl', name: 'agent-x-1', creationTime: '1700000000' },
    });
  });

  it('signs iss, iat, nbf, exp (+5 min) and the body sha256', async () => {
    const delivery = await livekit.sendWebhook(target.url, { event: 'room_finished', room });
    const claims = JSON.parse(
      Buffer.from(delivery.authorization?.split('.')[1] ?? '', 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(Object.keys(claims).sort()).toEqual(['exp', 'iat', 'iss', 'nbf', 'sha256']);
    expect(claims.iss).toBe(livekit.apiKey);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300);
  });

  it('writes protojson-style spacing, so only the raw bytes verify', async () => {
    const delivery = await livekit.sendWebhook(target.url, { event: 'room_started', room });
    const reserialized = JSON.stringify(JSON.parse(delivery.body));
    expect(reserialized).not.toBe(delivery.body);
    await expect(sdkReceiver.receive(reserialized, delivery.authorization)).rejects.toThrow(
      'sha256 checksum of body does not match',
    );
    await expect(sdkReceiver.receive(delivery.body, delivery.authorization)).resolves.toBeTruthy();
  });

  it('re-sends the identical bytes and header as a duplicate delivery', async () => {
    const first = await livekit.sendWebhook(target.url, { event: 'participant_joined', room });
    const again = await first.resend();
    expect(again.status).toBe(200);
    expect(target.received).toHaveLength(2);
    expect(target.received[1]).toEqual(target.received[0]);
    const [a, b] = await Promise.all(
      target.received.map((r) => sdkReceiver.receive(r.body, r.authorization)),
    );
    expect(a?.id).toBe(b?.id);
  });

  it('produces each failure the receiver must reject', async () => {
    const cases = [
      { options: { tamperBody: true }, error: 'sha256 checksum of body does not match' },
      { options: { signingSecret: 'wrong-secret' }, error: /signature/ },
      { options: { expired: true }, error: /"exp" claim timestamp check failed/ },
      { options: { authorization: 'missing' as const }, error: 'authorization header is empty' },
      { options: { authorization: 'bearer' as const }, error: /Invalid Compact JWS|JWS/ },
    ];
    for (const { options, error } of cases) {
      target.received.length = 0;
      const delivery = await livekit.sendWebhook(
        target.url,
        { event: 'room_started', room },
        options,
      );
      expect(delivery.status).toBe(200);
      const [received] = target.received;
      expect(received?.authorization).toBe(delivery.authorization);
      await expect(
        sdkReceiver.receive(received?.body ?? '', received?.authorization),
      ).rejects.toThrow(error);
    }
  });

  it('reports a refused connection instead of throwing', async () => {
    const delivery = await sendWebhook(
      'http://127.0.0.1:1/webhook',
      { event: 'room_started' },
      {
        apiKey: livekit.apiKey,
        apiSecret: livekit.apiSecret,
      },
    );
    expect(delivery.status).toBe(0);
    expect(delivery.error).toBeInstanceOf(Error);
  });

  it('builds signed requests without posting, for app.inject()', async () => {
    const signed = livekit.signWebhook({ event: 'egress_ended', egressInfo: { egressId: 'EG_1' } });
    expect(signed.headers).toEqual({
      'Content-Type': WEBHOOK_CONTENT_TYPE,
      'User-Agent': 'LiveKit',
      Authorization: signed.authorization,
    });
    const event = await sdkReceiver.receive(signed.body, signed.authorization);
    expect(event.egressInfo?.egressId).toBe('EG_1');
  });
});

describe('lifecycle webhooks', () => {
  it('sends room_started, participant_joined/left and room_finished as state changes', async () => {
    const rooms = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
    await rooms.createRoom({ name: 'life-1' });
    livekit.addParticipant('life-1', { identity: 'caller' });
    await rooms.removeParticipant('life-1', 'caller');
    await rooms.deleteRoom('life-1');
    await livekit.settle();

    const events = await Promise.all(
      target.received.map((r) => sdkReceiver.receive(r.body, r.authorization)),
    );
    expect(events.map((e) => e.event)).toEqual([
      'room_started',
      'participant_joined',
      'participant_left',
      'room_finished',
    ]);
    expect(events.every((e) => e.room?.name === 'life-1')).toBe(true);
    expect(events[1]?.participant?.identity).toBe('caller');
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
  });

  it('retries on 5xx with the same bytes and stops at a 4xx', async () => {
    target.statuses.push(503, 500, 200);
    const emitted = livekit.emitWebhook({
      event: 'egress_ended',
      egressInfo: { egressId: 'EG_2' },
    });
    await livekit.settle();
    expect(target.received).toHaveLength(3);
    expect(new Set(target.received.map((r) => r.body)).size).toBe(1);
    expect(
      (await sdkReceiver.receive(target.received[2]?.body ?? '', target.received[2]?.authorization))
        .id,
    ).toBe(emitted.id);

    target.received.length = 0;
    target.statuses.push(400);
    livekit.emitWebhook({ event: 'egress_ended' });
    await livekit.settle();
    expect(target.received).toHaveLength(1);
  });
});
