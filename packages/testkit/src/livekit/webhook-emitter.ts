import { setTimeout as sleep } from 'node:timers/promises';
import type { WebhookEvent } from '@livekit/protocol';
import type { LoopbackRoomStore } from './loopback-room-store.js';
import {
  buildWebhookEvent,
  sendWebhook,
  type WebhookDelivery,
  type WebhookEventInput,
} from './webhook-sender.js';

export interface WebhookEmitterOptions {
  /** Where to post; an empty list sends nothing. */
  urls: readonly string[];
  apiKey: string;
  apiSecret: string;
  /**
   * Attempts per event and URL; default 5. Like the server, a transport error, 429 or 5xx is
   * retried and any other status is final.
   */
  attempts?: number;
  /** Wait between attempts; default 50 ms (the server backs off up to 30 s). */
  retryDelayMs?: number;
}

/**
 * Posts the loopback's lifecycle events (room_started, room_finished, participant_joined,
 * participant_left) and any event given to {@link WebhookEmitter.emit} to the configured URLs,
 * one at a time in order, signed like the server's notifier.
 */
export class WebhookEmitter {
  /** Every POST made, retries included, oldest first. */
  readonly deliveries: WebhookDelivery[] = [];
  readonly #options: Required<Omit<WebhookEmitterOptions, 'urls'>>;
  #urls: string[];
  #queue: Promise<void> = Promise.resolve();

  constructor(options: WebhookEmitterOptions) {
    this.#options = { attempts: 5, retryDelayMs: 50, ...options };
    this.#urls = [...options.urls];
  }

  /** Where events go from now on (e.g. a receiver started after the server). */
  setUrls(urls: readonly string[]): void {
    this.#urls = [...urls];
  }

  /** Sends room and participant events as the store changes. */
  follow(store: LoopbackRoomStore): void {
    store.on('roomStarted', (room) => this.emit({ event: 'room_started', room }));
    store.on('roomFinished', (room) => this.emit({ event: 'room_finished', room }));
    store.on('participantJoined', (room, participant) =>
      this.emit({ event: 'participant_joined', room, participant }),
    );
    store.on('participantLeft', (room, participant) =>
      this.emit({ event: 'participant_left', room, participant }),
    );
  }

  /** Queues an event (e.g. `egress_ended` with `egressInfo`) for every URL; returns it completed. */
  emit(input: WebhookEventInput): WebhookEvent {
    const event = buildWebhookEvent(input);
    for (const url of this.#urls) {
      this.#queue = this.#queue.then(() => this.#deliver(url, event));
    }
    return event;
  }

  /** Resolves when everything queued so far has been delivered or given up on. */
  async flush(): Promise<void> {
    let queued: Promise<void>;
    do {
      queued = this.#queue;
      await queued;
    } while (queued !== this.#queue);
  }

  async #deliver(url: string, event: WebhookEvent): Promise<void> {
    const { apiKey, apiSecret, attempts, retryDelayMs } = this.#options;
    // Retries repeat the same request, bytes and token included (go-retryablehttp).
    let delivery = await sendWebhook(url, event, { apiKey, apiSecret });
    for (let attempt = 1; ; attempt++) {
      this.deliveries.push(delivery);
      const retryable = delivery.status === 0 || delivery.status === 429 || delivery.status >= 500;
      if (!retryable || attempt >= attempts) return;
      await sleep(retryDelayMs);
      delivery = await delivery.resend();
    }
  }
}
