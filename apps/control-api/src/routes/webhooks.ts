import type { FastifyInstance } from 'fastify';
import type { WebhookEvent } from 'livekit-server-sdk';
import { ApiError } from '../errors.js';
import { isDatabaseUnavailable } from '../plugins/error-handler.js';
import { roomNameOf } from '../webhooks/apply-webhook-event.js';
import { type IngestOutcome, WebhookIngestor } from '../webhooks/webhook-ingestor.js';
import type { RouteOptions } from './plugin-options.js';

/**
 * `POST /v1/webhooks/livekit`. LiveKit signs each delivery (a JWT over the SHA-256 of the raw
 * body) and retries on connection errors, 429 and 5xx. So: verify against the raw bytes, store
 * each event once by its id (a redelivery is a 200 with no effect), apply it to the session in
 * the same transaction (group-committed with concurrent deliveries, see WebhookIngestor), and
 * answer 503 only when the event could not be stored.
 */
export async function webhookRoutes(
  app: FastifyInstance,
  { services }: RouteOptions,
): Promise<void> {
  const { webhookReceiver, metrics, database } = services;
  const ingestor = new WebhookIngestor(database);

  // Keep the body as the exact string that was signed.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    ['application/webhook+json', 'application/json'],
    { parseAs: 'string' },
    (_req, body, done) => done(null, body),
  );

  app.post(
    '/v1/webhooks/livekit',
    {
      config: { scope: 'public' },
      schema: {
        summary: 'Receive LiveKit webhooks (signed by the LiveKit server)',
        tags: ['webhooks'],
      },
    },
    async (request, reply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const event = await verify(raw, request.headers.authorization);
      const roomName = roomNameOf(event) ?? null;
      const createdAt = Number(event.createdAt);
      const occurredAt = createdAt > 0 ? new Date(createdAt * 1000) : new Date();

      let outcome: IngestOutcome;
      try {
        outcome = await ingestor.ingest({ event, roomName, occurredAt });
      } catch (error) {
        metrics.webhookEvents.inc({ event: event.event, outcome: 'failed' });
        const reason = isDatabaseUnavailable(error) ? 'database unavailable' : 'storage failed';
        throw new ApiError(
          'service_unavailable',
          `event not stored: ${reason}; LiveKit will retry`,
          { cause: error },
        );
      }
      const stored = outcome === 'stored';
      metrics.webhookEvents.inc({ event: event.event, outcome: stored ? 'stored' : 'duplicate' });
      request.log.info(
        { eventId: event.id, event: event.event, room: roomName, duplicate: !stored },
        'webhook received',
      );
      return reply.status(200).send({ status: stored ? 'stored' : 'duplicate' });
    },
  );

  async function verify(raw: string, authorization: string | undefined): Promise<WebhookEvent> {
    if (!authorization) {
      metrics.webhookEvents.inc({ event: 'unknown', outcome: 'rejected' });
      throw new ApiError('unauthenticated', 'webhook rejected: missing Authorization header');
    }
    // LiveKit sends the bare JWT; accept a "Bearer " prefix added by proxies (the signature still decides).
    const token = authorization.replace(/^Bearer\s+/i, '');
    let event: WebhookEvent;
    try {
      event = await webhookReceiver.receive(raw, token);
    } catch (error) {
      metrics.webhookEvents.inc({ event: 'unknown', outcome: 'rejected' });
      if (error instanceof SyntaxError)
        throw new ApiError('invalid_request', 'webhook body is not valid JSON');
      const message =
        error instanceof Error && /sha256/.test(error.message)
          ? 'body does not match its signature'
          : 'signature is invalid or expired';
      throw new ApiError('unauthenticated', `webhook rejected: ${message}`);
    }
    if (!event.id || !event.event) {
      metrics.webhookEvents.inc({ event: event.event || 'unknown', outcome: 'rejected' });
      throw new ApiError('invalid_request', 'webhook event has no id or type');
    }
    return event;
  }
}
