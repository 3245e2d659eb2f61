import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentDispatch, ParticipantInfo, Room, WebhookEvent } from '@livekit/protocol';
import { createAgentDispatchService } from './agent-dispatch-service.js';
import type { AgentWorkerConnection } from './agent-worker-connection.js';
import { AgentWorkerHub } from './agent-worker-hub.js';
import type {
  DispatchOutcome,
  DispatchOutcomeFilter,
  JobAvailabilityRecord,
  JobTerminationRecord,
} from './dispatch-outcome.js';
import { handleHttp, handleUpgrade } from './loopback-http-handlers.js';
import { type FakeParticipantInit, LoopbackRoomStore } from './loopback-room-store.js';
import { createRoomService } from './room-service.js';
import { type TwirpFailure, TwirpFaultInjector } from './twirp-fault-injector.js';
import { type RecordedTwirpRequest, type TwirpMethod, TwirpRouter } from './twirp-router.js';
import { WebhookEmitter } from './webhook-emitter.js';
import {
  createSignedWebhook,
  type SendWebhookOptions,
  type SignedWebhook,
  sendWebhook,
  type WebhookDelivery,
  type WebhookEventInput,
} from './webhook-sender.js';

/** Options of {@link startLoopbackLiveKit}. */
export interface LoopbackLiveKitOptions {
  /** API key; default a random `API...` key. */
  apiKey?: string;
  /** API secret; default 32 random bytes, base64url. */
  apiSecret?: string;
  /** More key/secret pairs the server accepts (like a keys file with several entries). */
  extraKeys?: Readonly<Record<string, string>>;
  /** Interface to listen on; default 127.0.0.1 (the port is always chosen by the OS). */
  host?: string;
  /** URLs the server posts lifecycle webhooks to (room/participant events); default none. */
  webhookUrls?: readonly string[];
  /** Webhook attempts per event (retried on transport errors, 429, 5xx); default 5. */
  webhookAttempts?: number;
  /** Delay between webhook attempts; default 50 ms. */
  webhookRetryDelayMs?: number;
  /** How long a worker has to answer availability; default 10 000 ms like the server. */
  availabilityTimeoutMs?: number;
  /** Send `assignment {job, token}` after an accept; default false (there is no SFU here). */
  sendAssignments?: boolean;
  /** `url` put in assignments; default none (workers then use their own URL). */
  assignmentUrl?: string;
  /** `room.max_metadata_size`; default 64 000 bytes; 0 disables the check. */
  maxMetadataSize?: number;
}

/**
 * A loopback stand-in for livekit-server on one port (like 7880): the Twirp JSON API of
 * RoomService and AgentDispatchService, the `/agent` worker websocket, and signed webhooks, all
 * in LiveKit's real wire formats, over in-memory state. Tests drive it through the official SDKs
 * and assert on what it recorded. Start it with {@link startLoopbackLiveKit}.
 */
export class LoopbackLiveKitServer {
  /** `http://127.0.0.1:<port>`: for RoomServiceClient / AgentDispatchClient. */
  readonly httpUrl: string;
  /** `ws://127.0.0.1:<port>`: for agent workers (`wsURL`) and `LIVEKIT_URL`. */
  readonly wsUrl: string;
  readonly port: number;
  readonly apiKey: string;
  readonly apiSecret: string;
  /** Rooms, participants and dispatches. Its events drive jobs and webhooks. */
  readonly store: LoopbackRoomStore;
  /** Every Twirp call received, oldest first. */
  readonly requests: RecordedTwirpRequest[];
  /** Lifecycle webhook sender (posts to `webhookUrls`). */
  readonly webhooks: WebhookEmitter;

  readonly #server: Server;
  readonly #host: string;
  readonly #hub: AgentWorkerHub;
  readonly #faults: TwirpFaultInjector;
  readonly #sockets = new Set<Socket>();
  #down = false;

  /** @internal use {@link startLoopbackLiveKit}. */
  constructor(
    server: Server,
    parts: {
      host: string;
      port: number;
      apiKey: string;
      apiSecret: string;
      store: LoopbackRoomStore;
      requests: RecordedTwirpRequest[];
      faults: TwirpFaultInjector;
      hub: AgentWorkerHub;
      webhooks: WebhookEmitter;
    },
  ) {
    this.#server = server;
    this.#host = parts.host;
    this.port = parts.port;
    this.httpUrl = `http://${parts.host}:${parts.port}`;
    this.wsUrl = `ws://${parts.host}:${parts.port}`;
    this.apiKey = parts.apiKey;
    this.apiSecret = parts.apiSecret;
    this.store = parts.store;
    this.requests = parts.requests;
    this.#faults = parts.faults;
    this.#hub = parts.hub;
    this.webhooks = parts.webhooks;
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  // ---- Twirp API: recording and faults ----

  /** The recorded calls of one method (`CreateRoom` or `RoomService.CreateRoom`). */
  requestsFor(method: string): RecordedTwirpRequest[] {
    return this.requests.filter(
      (r) => r.method === method || `${r.service}.${r.method}` === method,
    );
  }

  /**
   * The next `failure.times` (default 1) calls of `method` answer with a Twirp error (default
   * `unavailable`, 503) without touching state. `method`: `CreateRoom` or `RoomService.CreateRoom`.
   */
  failNext(method: string, failure: TwirpFailure = {}): void {
    this.#faults.failNext(method, failure);
  }

  /** The next `times` calls of `method` are held `ms` before being handled normally. */
  stallNext(method: string, ms: number, times = 1): void {
    this.#faults.stallNext(method, ms, times);
  }

  /** Drops queued failures and stalls. */
  clearFaults(): void {
    this.#faults.clear();
  }

  /** True while the server is down. */
  get isDown(): boolean {
    return this.#down;
  }

  /**
   * Takes the server down: stops listening (new connections are refused) and destroys every open
   * connection, worker sockets included. State is kept for {@link LoopbackLiveKitServer.up}.
   */
  async down(): Promise<void> {
    if (this.#down) return;
    this.#down = true;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    for (const worker of this.#hub.workers) worker.close();
    await closed;
    // Let in-process clients see their pooled connections close, so the next request is refused
    // rather than written to a dead keep-alive socket.
    await sleep(25);
  }

  /** Listens again on the same port after {@link LoopbackLiveKitServer.down}. */
  async up(): Promise<void> {
    if (!this.#down) return;
    await listen(this.#server, this.#host, this.port);
    this.#down = false;
  }

  // ---- rooms and participants (test helpers, no API call) ----

  /** Copies of all rooms. */
  rooms(): Room[] {
    return this.store.listRooms();
  }

  /** A copy of one room, or undefined. */
  room(name: string): Room | undefined {
    return this.store.getRoom(name);
  }

  /** Copies of a room's dispatches ([] when the room does not exist). */
  dispatches(room: string): AgentDispatch[] {
    return this.store.listDispatches(room) ?? [];
  }

  /** Puts a fake participant in a room (creating the room if needed): emits participant_joined. */
  addParticipant(room: string, participant: FakeParticipantInit): ParticipantInfo {
    return this.store.addParticipant(room, participant);
  }

  /** Removes a participant: emits participant_left. False if it was not there. */
  removeParticipant(room: string, identity: string): boolean {
    return this.store.removeParticipant(room, identity);
  }

  /** Ends a room as if it emptied out: emits room_finished and terminates its agent jobs. */
  finishRoom(name: string): boolean {
    return this.store.deleteRoom(name);
  }

  // ---- agent workers and jobs ----

  /** Registered, connected agent workers. */
  get workers(): AgentWorkerConnection[] {
    return this.#hub.workers;
  }

  /** Every dispatch outcome so far (one per job launch), oldest first. */
  get dispatchOutcomes(): readonly DispatchOutcome[] {
    return this.#hub.outcomes;
  }

  /** Every availability answer so far, across dispatches, oldest first. */
  get availabilityAnswers(): JobAvailabilityRecord[] {
    return this.#hub.answers;
  }

  /** Every `termination` sent to a worker. */
  get jobTerminations(): readonly JobTerminationRecord[] {
    return this.#hub.terminations;
  }

  /**
   * Resolves with the outcome of a dispatch: pass the dispatch id (from CreateDispatch or
   * ListDispatch) or `{ room, agentName }`. Rejects after `timeoutMs` (default 15 s; a worker
   * has 10 s to answer).
   */
  waitForDispatchOutcome(
    filter: DispatchOutcomeFilter,
    timeoutMs?: number,
  ): Promise<DispatchOutcome> {
    return this.#hub.waitForOutcome(filter, timeoutMs);
  }

  /** Resolves once a worker serving `agentName` has registered. */
  waitForWorker(agentName: string, timeoutMs?: number): Promise<AgentWorkerConnection> {
    return this.#hub.waitForWorker(agentName, timeoutMs);
  }

  // ---- webhooks ----

  /**
   * Signs and POSTs one webhook to `url` with this server's key and secret (overridable), or
   * with a fault from `options` (tampered body, wrong secret, expired, missing or Bearer header).
   */
  sendWebhook(
    url: string,
    event: WebhookEventInput,
    options: Partial<SendWebhookOptions> = {},
  ): Promise<WebhookDelivery> {
    return sendWebhook(url, event, { apiKey: this.apiKey, apiSecret: this.apiSecret, ...options });
  }

  /** Like {@link LoopbackLiveKitServer.sendWebhook} without posting: body and headers to inject. */
  signWebhook(
    event: WebhookEventInput,
    options: Partial<Omit<SendWebhookOptions, 'timeoutMs'>> = {},
  ): SignedWebhook {
    return createSignedWebhook(event, {
      apiKey: this.apiKey,
      apiSecret: this.apiSecret,
      ...options,
    });
  }

  /** Queues an event for the configured `webhookUrls` (e.g. `egress_ended`); returns it. */
  emitWebhook(event: WebhookEventInput): WebhookEvent {
    return this.webhooks.emit(event);
  }

  /** Waits for queued lifecycle webhooks and in-flight job placements. */
  async settle(): Promise<void> {
    await this.#hub.settle();
    await this.webhooks.flush();
  }

  /** Closes worker sockets and the listener. */
  async close(): Promise<void> {
    await this.#hub.close();
    for (const socket of this.#sockets) socket.destroy();
    if (!this.#down) {
      this.#down = true;
      await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    }
  }
}

/**
 * Starts a loopback LiveKit server on `127.0.0.1:0`. Close it with `await server.close()`.
 *
 * @example
 * const livekit = await startLoopbackLiveKit();
 * const rooms = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
 * await rooms.createRoom({ name: 'agent-x' });
 */
export async function startLoopbackLiveKit(
  options: LoopbackLiveKitOptions = {},
): Promise<LoopbackLiveKitServer> {
  const host = options.host ?? '127.0.0.1';
  const apiKey = options.apiKey ?? `API${randomBytes(6).toString('hex')}`;
  const apiSecret = options.apiSecret ?? randomBytes(32).toString('base64url');
  const keys = new Map<string, string>([
    ...Object.entries(options.extraKeys ?? {}),
    [apiKey, apiSecret],
  ]);

  const store = new LoopbackRoomStore();
  const requests: RecordedTwirpRequest[] = [];
  const faults = new TwirpFaultInjector();
  const services = new Map<string, Record<string, TwirpMethod>>([
    ['RoomService', createRoomService(store, options.maxMetadataSize)],
    ['AgentDispatchService', createAgentDispatchService(store, options.maxMetadataSize)],
  ]);
  const router = new TwirpRouter(services, faults, requests);
  const hub = new AgentWorkerHub((key) => keys.get(key), {
    ...(options.availabilityTimeoutMs === undefined
      ? {}
      : { availabilityTimeoutMs: options.availabilityTimeoutMs }),
    sendAssignments: options.sendAssignments ?? false,
    ...(options.assignmentUrl === undefined ? {} : { assignmentUrl: options.assignmentUrl }),
  });
  const webhooks = new WebhookEmitter({
    urls: options.webhookUrls ?? [],
    apiKey,
    apiSecret,
    ...(options.webhookAttempts === undefined ? {} : { attempts: options.webhookAttempts }),
    ...(options.webhookRetryDelayMs === undefined
      ? {}
      : { retryDelayMs: options.webhookRetryDelayMs }),
  });
  webhooks.follow(store);
  store.on('dispatchCreated', (room, dispatch) =>
    hub.launch(room, dispatch, (job) => store.recordDispatchJob(room.name, dispatch.id, job)),
  );
  store.on('dispatchDeleted', (_room, dispatch) => hub.terminate([dispatch]));
  store.on('roomFinished', (_room, dispatches) => hub.terminate(dispatches));

  const server = createServer((req, res) => {
    void handleHttp(req, res, router, keys).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    void handleUpgrade(req, socket, head, hub, keys).catch(() => socket.destroy());
  });
  await listen(server, host, 0);
  const port = (server.address() as AddressInfo).port;
  return new LoopbackLiveKitServer(server, {
    host,
    port,
    apiKey,
    apiSecret,
    store,
    requests,
    faults,
    hub,
    webhooks,
  });
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
