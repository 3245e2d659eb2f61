import type { Job } from '@livekit/protocol';

/** One worker's answer to one availability request. */
export interface JobAvailabilityRecord {
  jobId: string;
  dispatchId: string;
  room: string;
  agentName: string;
  workerId: string;
  /** The worker accepted the job. */
  available: boolean;
  /** The worker asked to end the job instead (AvailabilityResponse.terminate). */
  terminate: boolean;
  /** No answer within the availability timeout. */
  timedOut: boolean;
  /** The worker disconnected before answering. */
  workerClosed: boolean;
  participantIdentity: string;
  participantName: string;
  participantMetadata: string;
  participantAttributes: Record<string, string>;
  answeredAt: Date;
}

/** How the loopback's attempt to place one dispatch's job ended. */
export interface DispatchOutcome {
  dispatchId: string;
  room: string;
  agentName: string;
  /** Metadata the job carried (the dispatch's). */
  metadata: string;
  /** `AJ_...`; undefined when no worker serves the agent name (the server then launches no job). */
  jobId: string | undefined;
  /**
   * `accepted`: a worker took the job. `rejected`: every eligible worker declined (or the one asked
   * timed out: the server does not retry after a timeout). `no_worker`: no registered worker
   * serves this agent name, or none has capacity. `terminated`: the worker answered `terminate`.
   */
  status: 'accepted' | 'rejected' | 'no_worker' | 'terminated';
  /** Human-readable reason, in the server's words where it has them. */
  reason: string;
  /** The accepting answer, when `status` is `accepted`. */
  accepted: JobAvailabilityRecord | undefined;
  /** Every answer, in the order workers were asked. */
  answers: JobAvailabilityRecord[];
  /** The job as offered (with `state` for the accepting worker). */
  job: Job | undefined;
  decidedAt: Date;
}

/** Which dispatch outcome to wait for: a dispatch id, or fields that must all match. */
export type DispatchOutcomeFilter =
  | string
  | { dispatchId?: string; room?: string; agentName?: string };

/** A `termination` the loopback sent to a worker. */
export interface JobTerminationRecord {
  jobId: string;
  workerId: string;
  room: string;
  dispatchId: string;
  sentAt: Date;
}

/** A predicate for {@link DispatchOutcomeFilter}. */
export function outcomeMatcher(
  filter: DispatchOutcomeFilter,
): (outcome: DispatchOutcome) => boolean {
  const wanted = typeof filter === 'string' ? { dispatchId: filter } : filter;
  return (o) =>
    (wanted.dispatchId === undefined || o.dispatchId === wanted.dispatchId) &&
    (wanted.room === undefined || o.room === wanted.room) &&
    (wanted.agentName === undefined || o.agentName === wanted.agentName);
}
