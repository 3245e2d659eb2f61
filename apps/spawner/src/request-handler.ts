import type { LoadedAgent, PublishedAgentCache } from '@voxie/agent-core';
import type { Logger } from '@voxie/config';
import {
  decideJob,
  type JobDecision,
  type JobFacts,
  type JobTarget,
  resolveJobTarget,
} from './job-decision.js';

/** The parts of the framework's `JobRequest` the handler uses. */
export interface JobRequestLike {
  readonly id: string;
  readonly job: { metadata: string };
  readonly room?: { name: string; metadata: string } | undefined;
  accept(
    name?: string,
    identity?: string,
    metadata?: string,
    attributes?: Record<string, string>,
  ): Promise<void>;
  reject(): Promise<void>;
}

export interface EvaluatedJob {
  decision: JobDecision;
  target?: JobTarget;
  agent?: LoadedAgent;
}

/** Resolves the target and decides; loads through the cache. Never throws. */
export async function evaluateJob(
  facts: JobFacts,
  cache: Pick<PublishedAgentCache, 'get'>,
): Promise<EvaluatedJob> {
  const resolved = resolveJobTarget(facts);
  if (!resolved.ok) return { decision: { accept: false, reason: resolved.reason } };
  const { target } = resolved;
  let agent: LoadedAgent | undefined;
  try {
    agent = await cache.get(target.agentId, target.versionId);
  } catch {
    return {
      target,
      decision: {
        accept: false,
        reason: `could not load agent ${target.agentId}: database unavailable`,
      },
    };
  }
  return { target, agent, decision: decideJob(target, agent) };
}

/** The worker's `requestFunc`: accepts or rejects every job, with one log line saying which. */
export function createRequestHandler(options: {
  cache: Pick<PublishedAgentCache, 'get'>;
  logger: Logger;
  /** Sees every decision (the worker's metrics count them). */
  onDecision?: (decision: JobDecision) => void;
}): (request: JobRequestLike) => Promise<void> {
  return async (request) => {
    const room = request.room?.name ?? '';
    const { decision, target } = await evaluateJob(
      {
        roomName: room,
        roomMetadata: request.room?.metadata,
        dispatchMetadata: request.job.metadata,
      },
      options.cache,
    );
    options.onDecision?.(decision);
    if (!decision.accept) {
      options.logger.info(
        {
          event: 'job.rejected',
          jobId: request.id,
          room,
          agentId: target?.agentId,
          reason: decision.reason,
        },
        'job rejected',
      );
      await request.reject();
      return;
    }
    options.logger.info(
      {
        event: 'job.accepted',
        jobId: request.id,
        room,
        agentId: decision.agentId,
        versionId: decision.versionId,
        source: target?.source,
      },
      'job accepted',
    );
    await request.accept(
      decision.participantName,
      `agent-${request.id}`,
      '',
      decision.participantAttributes,
    );
  };
}
