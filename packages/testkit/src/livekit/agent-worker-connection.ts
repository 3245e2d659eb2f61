import { EventEmitter } from 'node:events';
import {
  type AvailabilityResponse,
  type Job,
  JobStatus,
  JobType,
  ParticipantPermission,
  ServerInfo,
  ServerMessage,
  type UpdateJobStatus,
  WorkerMessage,
  WorkerStatus,
} from '@livekit/protocol';
import type { WebSocket } from 'ws';
import { newLiveKitId } from './ids.js';

/** livekit-server's pkg/agent RegisterTimeout. */
export const REGISTER_TIMEOUT_MS = 10_000;

/** Events of one worker connection. */
export interface AgentWorkerConnectionEvents {
  registered: [];
  closed: [];
  /** A message the connection received, after it was handled. */
  message: [message: WorkerMessage];
}

/** What the worker answered to one availability request. */
export type AvailabilityAnswer =
  | { kind: 'answered'; response: AvailabilityResponse }
  | { kind: 'timeout' }
  | { kind: 'closed' };

/**
 * One agent worker connected to `/agent`, speaking `WorkerMessage`/`ServerMessage` frames:
 * binary protobuf, or protobuf JSON text frames (then answered in JSON, as the server does).
 * Before it registers, only `register` and `ping` are accepted; any other message, a second
 * `register` or an unknown message closes the socket, like livekit-server.
 */
export class AgentWorkerConnection extends EventEmitter<AgentWorkerConnectionEvents> {
  /** `AW_...`, sent in the register response. */
  readonly id = newLiveKitId('AW_');
  /** API key of the token the worker connected with (job tokens are signed with its secret). */
  readonly apiKey: string;
  readonly connectedAt = new Date();
  registered = false;
  agentName = '';
  namespace = '';
  jobType: JobType = JobType.JT_ROOM;
  version = '';
  deployment = '';
  permissions: ParticipantPermission | undefined;
  status: WorkerStatus = WorkerStatus.WS_AVAILABLE;
  load = 0;
  /** Jobs assigned to this worker and not ended, by id. */
  readonly runningJobs = new Map<string, Job>();
  /** Last status each job reported through `updateJob`. */
  readonly jobUpdates = new Map<string, UpdateJobStatus>();
  /** Every message received, in order. */
  readonly received: WorkerMessage[] = [];

  readonly #socket: WebSocket;
  readonly #serverInfo: ServerInfo;
  readonly #pendingAvailability = new Map<string, (answer: AvailabilityAnswer) => void>();
  #useJson = false;
  #closed = false;
  readonly #registerTimer: NodeJS.Timeout;

  constructor(socket: WebSocket, apiKey: string, serverInfo: ServerInfo) {
    super();
    this.#socket = socket;
    this.apiKey = apiKey;
    this.#serverInfo = serverInfo;
    this.#registerTimer = setTimeout(() => {
      if (!this.registered) this.close();
    }, REGISTER_TIMEOUT_MS);
    socket.on('message', (data, isBinary) => this.#onFrame(data, isBinary));
    socket.on('close', () => this.#onClosed());
    socket.on('error', () => this.close());
  }

  /** False once the socket closed. */
  get isOpen(): boolean {
    return !this.#closed;
  }

  /** Sends one server message in the encoding the worker last used. */
  send(message: ServerMessage): void {
    if (this.#closed) return;
    if (this.#useJson) this.#socket.send(message.toJsonString(), { binary: false });
    else this.#socket.send(message.toBinary(), { binary: true });
  }

  /**
   * Sends `availability {job}` and waits for the worker's answer for this job id, at most
   * `timeoutMs` (the server's AssignJobTimeout is 10 s).
   */
  requestAvailability(job: Job, timeoutMs: number): Promise<AvailabilityAnswer> {
    if (this.#closed) return Promise.resolve({ kind: 'closed' });
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle({ kind: 'timeout' }), timeoutMs);
      const settle = (answer: AvailabilityAnswer) => {
        clearTimeout(timer);
        this.#pendingAvailability.delete(job.id);
        resolve(answer);
      };
      this.#pendingAvailability.set(job.id, settle);
      this.send(
        new ServerMessage({ message: { case: 'availability', value: { job, resuming: false } } }),
      );
    });
  }

  /** Closes the socket (the hub deregisters the worker). */
  close(): void {
    if (this.#closed) return;
    this.#socket.close();
    this.#onClosed();
  }

  #onFrame(data: unknown, isBinary: boolean): void {
    let message: WorkerMessage;
    try {
      const bytes = toBuffer(data);
      if (isBinary) {
        this.#useJson = false;
        message = WorkerMessage.fromBinary(bytes);
      } else {
        this.#useJson = true;
        message = WorkerMessage.fromJsonString(bytes.toString('utf8'), {
          ignoreUnknownFields: true,
        });
      }
    } catch {
      this.close();
      return;
    }
    this.received.push(message);
    if (!this.#handle(message)) {
      this.close();
      return;
    }
    this.emit('message', message);
  }

  /** Handles one message; false means the server would drop the connection. */
  #handle(message: WorkerMessage): boolean {
    const { case: kind, value } = message.message;
    if (kind === 'ping') {
      this.send(
        new ServerMessage({
          message: {
            case: 'pong',
            value: { lastTimestamp: value.timestamp, timestamp: BigInt(Date.now()) },
          },
        }),
      );
      return true;
    }
    if (!this.registered) {
      if (kind !== 'register') return false;
      this.registered = true;
      clearTimeout(this.#registerTimer);
      this.agentName = value.agentName;
      this.namespace = value.namespace ?? '';
      this.jobType = value.type;
      this.version = value.version;
      this.deployment = value.deployment;
      this.permissions =
        value.allowedPermissions ??
        new ParticipantPermission({
          canSubscribe: true,
          canPublish: true,
          canPublishData: true,
          canUpdateMetadata: true,
        });
      this.send(
        new ServerMessage({
          message: {
            case: 'register',
            value: { workerId: this.id, serverInfo: this.#serverInfo.clone() },
          },
        }),
      );
      this.emit('registered');
      return true;
    }
    switch (kind) {
      case 'availability': {
        this.#pendingAvailability.get(value.jobId)?.({ kind: 'answered', response: value });
        return true;
      }
      case 'updateWorker': {
        if (value.status !== undefined) this.status = value.status;
        this.load = value.load;
        return true;
      }
      case 'updateJob': {
        this.jobUpdates.set(value.jobId, value);
        const job = this.runningJobs.get(value.jobId);
        if (job?.state !== undefined) {
          job.state.status = value.status;
          job.state.error = value.error;
          job.state.updatedAt = BigInt(Date.now()) * 1_000_000n;
        }
        if (value.status === JobStatus.JS_SUCCESS || value.status === JobStatus.JS_FAILED) {
          this.runningJobs.delete(value.jobId);
        }
        return true;
      }
      case 'simulateJob':
      case 'migrateJob':
        // Accepted and ignored: nothing here simulates jobs or migrates them.
        return true;
      default:
        // A second register, or a message this protocol version does not know.
        return false;
    }
  }

  #onClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#registerTimer);
    for (const settle of [...this.#pendingAvailability.values()]) settle({ kind: 'closed' });
    this.emit('closed');
  }
}

function toBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  throw new Error('unexpected websocket payload');
}

/** ServerInfo the loopback announces in register responses. */
export function loopbackServerInfo(version: string): ServerInfo {
  return new ServerInfo({
    version,
    protocol: 16,
    agentProtocol: 1,
    nodeId: newLiveKitId('ND_'),
  });
}
