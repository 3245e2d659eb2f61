import { type Database, SessionRepository, type VoxieDb, WebhookEventRepository } from '@voxie/db';
import type { WebhookEvent } from 'livekit-server-sdk';
import { applyWebhookEvent } from './apply-webhook-event.js';

/** A verified LiveKit event, ready to store. */
export interface IncomingWebhookEvent {
  event: WebhookEvent;
  roomName: string | null;
  occurredAt: Date;
}

export type IngestOutcome = 'stored' | 'duplicate';

interface Pending {
  incoming: IncomingWebhookEvent;
  resolve(outcome: IngestOutcome): void;
  reject(error: unknown): void;
}

/**
 * Stores webhook events with group commit: deliveries that arrive while a transaction is being
 * written wait and go into the next one together, so a burst costs one commit per batch instead
 * of one per event. Each caller still learns the outcome of its own event only after the
 * transaction holding it committed (or failed), so "answer 2xx only once stored" holds.
 * If a batch fails, its events are retried one by one, so one bad event cannot fail others.
 */
export class WebhookIngestor {
  private readonly queue: Pending[] = [];
  private writing = false;

  constructor(
    private readonly database: Database,
    private readonly maxBatch = 256,
  ) {}

  ingest(incoming: IncomingWebhookEvent): Promise<IngestOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ incoming, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const outcomes = await this.write(batch.map((pending) => pending.incoming));
        for (const [i, pending] of batch.entries()) pending.resolve(outcomes[i] ?? 'duplicate');
      } catch (error) {
        if (batch.length === 1) batch[0]?.reject(error);
        else await this.writeOneByOne(batch);
      }
    }
    this.writing = false;
  }

  private async writeOneByOne(batch: Pending[]): Promise<void> {
    for (const pending of batch) {
      try {
        const [outcome] = await this.write([pending.incoming]);
        pending.resolve(outcome ?? 'duplicate');
      } catch (error) {
        pending.reject(error);
      }
    }
  }

  /** One transaction: store new events, apply them to their sessions. Outcomes in input order. */
  private write(batch: IncomingWebhookEvent[]): Promise<IngestOutcome[]> {
    return this.database.db.transaction(async (tx) => {
      const db = tx as unknown as VoxieDb;
      const stored = await new WebhookEventRepository(db).insertManyIfNew(
        batch.map(({ event, roomName, occurredAt }) => ({
          id: event.id,
          event: event.event,
          roomName,
          occurredAt,
          payload: event.toJson(),
        })),
      );
      const claimed = new Set<string>();
      const outcomes = batch.map(({ event }): IngestOutcome => {
        if (!stored.has(event.id) || claimed.has(event.id)) return 'duplicate';
        claimed.add(event.id);
        return 'stored';
      });
      const fresh = batch.filter((_, i) => outcomes[i] === 'stored');
      const rooms = await new SessionRepository(db).roomsWithSessions([
        ...new Set(fresh.flatMap(({ roomName }) => (roomName ? [roomName] : []))),
      ]);
      for (const { event, roomName, occurredAt } of fresh) {
        if (roomName && rooms.has(roomName))
          await applyWebhookEvent(db, event, roomName, occurredAt);
      }
      return outcomes;
    });
  }
}
