import { eq } from 'drizzle-orm';
import type { VoxieDb } from '../client.js';
import { webhookEvents } from '../schema.js';

export type WebhookEvent = typeof webhookEvents.$inferSelect;
export type WebhookEventInput = Omit<WebhookEvent, 'receivedAt'>;

/** LiveKit webhook events, stored once per event id. */
export class WebhookEventRepository {
  constructor(private readonly db: VoxieDb) {}

  /** Stores the event unless its id is already stored. True when this call stored it. */
  async insertIfNew(event: WebhookEventInput): Promise<boolean> {
    const inserted = await this.db
      .insert(webhookEvents)
      .values(event)
      .onConflictDoNothing({ target: webhookEvents.id })
      .returning({ id: webhookEvents.id });
    return inserted.length > 0;
  }

  /**
   * Stores each event whose id is not stored yet, in one statement. Returns the ids this call
   * stored. Ids repeated within `events` are stored once (the first occurrence).
   */
  async insertManyIfNew(events: readonly WebhookEventInput[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const unique = [...new Map(events.map((event) => [event.id, event])).values()];
    const inserted = await this.db
      .insert(webhookEvents)
      .values(unique)
      .onConflictDoNothing({ target: webhookEvents.id })
      .returning({ id: webhookEvents.id });
    return new Set(inserted.map((row) => row.id));
  }

  async get(id: string): Promise<WebhookEvent | undefined> {
    const [event] = await this.db.select().from(webhookEvents).where(eq(webhookEvents.id, id));
    return event;
  }
}
