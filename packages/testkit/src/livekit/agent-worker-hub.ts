import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type AgentDispatch,
  Job,
  JobState,
  JobStatus,
  JobType,
  type Room,
  ServerMessage,
} from '@livekit/protocol';
import { WebSocketServer } from 'ws';
import { buildAgentJobToken } from './agent-job-token.js';
import { AgentWorkerConnection, loopbackServerInfo } from './agent-worker-connection.js';
import {
  type DispatchOutcome,
  type DispatchOutcomeFilter,
  type JobAvailabilityRecord,
  type JobTerminationRecord,
  outcomeMatcher,
} from './dispatch-outcome.js';
import { newLiveKitId } from './ids.js';
import { selectWeightedByLoad } from './worker-selection.js';

/** livekit-server's pkg/agent AssignJobTimeout. */
export const AVAILABILITY_TIMEOUT_MS = 10_000;

export interface AgentWorkerHubOptions {
  /** How long a worker has to answer availability; default 10 s like the server. */
  availabilityTimeoutMs?: number;
  /**
   * Send `assignment {job, token}` after an accept. Off by default: the loopback is no SFU, so a
   * real job process given an assignment would fail to join the room.
   */
  sendAssignments?: boolean;
  /** `url` to put in assignments (the server leaves it empty: workers use their own URL). */
  assignmentUrl?: string;
  /** Version string announced in ServerInfo. */
  serverVersion?: string;
}

/**
 * The server side of the agent worker protocol: accepts worker sockets on `/agent`, tracks their
 * registration, status and load, and places each dispatch's job on a worker as livekit-server
 * does (pkg/service/agentservice.go): candidates are registered workers with the dispatch's agent
 * name, status available, weighted by `1 - load`; a decline (or a disconnect) moves on to the
 * next candidate, a timeout ends the attempt.
 */
export class AgentWorkerHub {
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #connections = new Set<AgentWorkerConnection>();
  readonly #outcomes: DispatchOutcome[] = [];
  readonly #terminations: JobTerminationRecord[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #pending = new Set<Promise<void>>();
  readonly #secretFor: (apiKey: string) => string | undefined;
  readonly #availabilityTimeoutMs: number;
  readonly #sendAssignments: boolean;
  readonly #assignmentUrl: string | undefined;
  readonly #serverInfo;

  constructor(
    secretFor: (apiKey: string) => string | undefined,
    options: AgentWorkerHubOptions = {},
  ) {
    this.#secretFor = secretFor;
    this.#availabilityTimeoutMs = options.availabilityTimeoutMs ?? AVAILABILITY_TIMEOUT_MS;
    this.#sendAssignments = options.sendAssignments ?? false;
    this.#assignmentUrl = options.assignmentUrl;
    this.#serverInfo = loopbackServerInfo(options.serverVersion ?? '1.9.0');
  }

  /** Registered, connected workers. */
  get workers(): AgentWorkerConnection[] {
    return [...this.#connections].filter((c) => c.registered && c.isOpen);
  }

  /** Every dispatch outcome so far, oldest first. */
  get outcomes(): readonly DispatchOutcome[] {
    return this.#outcomes;
  }

  /** Every availability answer so far, oldest first. */
  get answers(): JobAvailabilityRecord[] {
    return this.#outcomes.flatMap((o) => o.answers);
  }

  /** Every termination sent so far. */
  get terminations(): readonly JobTerminationRecord[] {
    return this.#terminations;
  }

  /** Completes the websocket upgrade of an authorized `/agent` request. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, apiKey: string): void {
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new AgentWorkerConnection(ws, apiKey, this.#serverInfo);
      this.#connections.add(connection);
      connection.on('registered', () => this.#notify());
      connection.on('closed', () => {
        this.#connections.delete(connection);
        this.#notify();
      });
    });
  }

  /** Offers a new job for `dispatch` to the workers serving its agent name (in the background). */
  launch(room: Room, dispatch: AgentDispatch, onAccepted: (job: Job) => void): void {
    const task = this.#place(room, dispatch, onAccepted).finally(() => this.#pending.delete(task));
    this.#pending.add(task);
  }

  /** Sends `termination` for the accepted jobs of these dispatches (room deleted, dispatch deleted). */
  terminate(dispatches: readonly AgentDispatch[]): void {
    const ids = new Set(dispatches.map((d) => d.id));
    for (const outcome of this.#outcomes) {
      const accepted = outcome.accepted;
      if (!ids.has(outcome.dispatchId) || accepted === undefined) continue;
      const worker = [...this.#connections].find((c) => c.id === accepted.workerId);
      if (worker === undefined) continue;
      worker.runningJobs.delete(accepted.jobId);
      worker.send(
        new ServerMessage({ message: { case: 'termination', value: { jobId: accepted.jobId } } }),
      );
      this.#terminations.push({
        jobId: accepted.jobId,
        workerId: worker.id,
        room: outcome.room,
        dispatchId: outcome.dispatchId,
        sentAt: new Date(),
      });
    }
  }

  /** Resolves with the first outcome matching `filter` (already recorded or future). */
  waitForOutcome(filter: DispatchOutcomeFilter, timeoutMs = 15_000): Promise<DispatchOutcome> {
    const matches = outcomeMatcher(filter);
    return this.#waitFor(
      () => this.#outcomes.find(matches),
      timeoutMs,
      () => `no dispatch outcome matching ${JSON.stringify(filter)} within ${timeoutMs} ms`,
    );
  }

  /** Resolves with a registered worker serving `agentName` once there is one. */
  waitForWorker(agentName: string, timeoutMs = 15_000): Promise<AgentWorkerConnection> {
    return this.#waitFor(
      () => this.workers.find((w) => w.agentName === agentName),
      timeoutMs,
      () => `no worker registered for agent "${agentName}" within ${timeoutMs} ms`,
    );
  }

  /** Waits for job placements still in progress. */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Closes every worker socket. */
  async close(): Promise<void> {
    for (const connection of this.#connections) connection.close();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  async #place(room: Room, dispatch: AgentDispatch, onAccepted: (job: Job) => void): Promise<void> {
    const base = {
      dispatchId: dispatch.id,
      room: room.name,
      agentName: dispatch.agentName,
      metadata: dispatch.metadata,
    };
    const serving = () =>
      this.workers.filter(
        (w) =>
          w.agentName === dispatch.agentName &&
          w.namespace === '' &&
          w.jobType === JobType.JT_ROOM &&
          w.deployment === dispatch.deployment,
      );
    if (serving().length === 0) {
      this.#record({
        ...base,
        jobId: undefined,
        status: 'no_worker',
        reason: 'no workers available',
        accepted: undefined,
        answers: [],
        job: undefined,
      });
      return;
    }
    const job = new Job({
      id: newLiveKitId('AJ_'),
      dispatchId: dispatch.id,
      type: JobType.JT_ROOM,
      room,
      agentName: dispatch.agentName,
      metadata: dispatch.metadata,
      deployment: dispatch.deployment,
      attributes: dispatch.attributes,
    });
    const answers: JobAvailabilityRecord[] = [];
    const attempted = new Set<AgentWorkerConnection>();
    for (;;) {
      const worker = selectWeightedByLoad(serving().filter((w) => !attempted.has(w)));
      if (worker === undefined) {
        const status = answers.length === 0 ? 'no_worker' : 'rejected';
        const reason =
          answers.length === 0
            ? 'no workers with sufficient capacity'
            : 'no worker accepted the job';
        this.#record({ ...base, jobId: job.id, status, reason, accepted: undefined, answers, job });
        return;
      }
      attempted.add(worker);
      const offered = job.clone();
      const now = BigInt(Date.now()) * 1_000_000n;
      offered.state = new JobState({
        workerId: worker.id,
        status: JobStatus.JS_RUNNING,
        startedAt: now,
        updatedAt: now,
      });
      const answer = await worker.requestAvailability(offered, this.#availabilityTimeoutMs);
      const response = answer.kind === 'answered' ? answer.response : undefined;
      const record: JobAvailabilityRecord = {
        jobId: job.id,
        dispatchId: dispatch.id,
        room: room.name,
        agentName: dispatch.agentName,
        workerId: worker.id,
        available: response?.available === true && !response.terminate,
        terminate: response?.terminate === true,
        timedOut: answer.kind === 'timeout',
        workerClosed: answer.kind === 'closed',
        participantIdentity: response?.participantIdentity ?? '',
        participantName: response?.participantName ?? '',
        participantMetadata: response?.participantMetadata ?? '',
        participantAttributes: { ...(response?.participantAttributes ?? {}) },
        answeredAt: new Date(),
      };
      answers.push(record);
      if (answer.kind === 'timeout') {
        this.#record({
          ...base,
          jobId: job.id,
          status: 'rejected',
          reason: 'agent worker availability timeout',
          accepted: undefined,
          answers,
          job: offered,
        });
        return;
      }
      if (response?.terminate === true) {
        this.#record({
          ...base,
          jobId: job.id,
          status: 'terminated',
          reason: 'worker asked to terminate the job',
          accepted: undefined,
          answers,
          job: offered,
        });
        return;
      }
      if (response === undefined || !response.available) continue;

      if (offered.state !== undefined)
        offered.state.participantIdentity = record.participantIdentity;
      worker.runningJobs.set(job.id, offered);
      if (this.#sendAssignments) {
        const secret = this.#secretFor(worker.apiKey);
        if (secret !== undefined) {
          const token = await buildAgentJobToken(worker, secret, record);
          worker.send(
            new ServerMessage({
              message: {
                case: 'assignment',
                value: {
                  job: offered,
                  token,
                  ...(this.#assignmentUrl === undefined ? {} : { url: this.#assignmentUrl }),
                },
              },
            }),
          );
        }
      }
      this.#record({
        ...base,
        jobId: job.id,
        status: 'accepted',
        reason: 'assigned job to worker',
        accepted: record,
        answers,
        job: offered,
      });
      onAccepted(offered);
      return;
    }
  }

  #record(outcome: Omit<DispatchOutcome, 'decidedAt'>): void {
    this.#outcomes.push({ ...outcome, decidedAt: new Date() });
    this.#notify();
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  #waitFor<T>(find: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = find();
        if (value === undefined) return;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(describe()));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }
}
