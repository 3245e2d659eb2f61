import type { Logger } from '@voxie/config';
import { decideVoxieJob, VOXIE_ATTRIBUTES, type VoxieJobDecision } from './job-decision.js';
import { VOXIE_PROMPT_VERSION } from './prompts.js';

/** The parts of the framework's `JobRequest` the handler uses. */
export interface JobRequestLike {
  readonly id: string;
  readonly job: { metadata: string };
  readonly room?: { name: string } | undefined;
  accept(
    name?: string,
    identity?: string,
    metadata?: string,
    attributes?: Record<string, string>,
  ): Promise<void>;
  reject(): Promise<void>;
}

/** The worker's `requestFunc`: accepts Voxie's rooms, rejects everything else, logs which. */
export function createVoxieRequestHandler(options: {
  logger: Logger;
  /** Sees every decision (the worker's metrics count them). */
  onDecision?: (decision: VoxieJobDecision) => void;
}): (request: JobRequestLike) => Promise<void> {
  return async (request) => {
    const room = request.room?.name ?? '';
    const decision = decideVoxieJob({ roomName: room, dispatchMetadata: request.job.metadata });
    options.onDecision?.(decision);
    if (!decision.accept) {
      options.logger.info(
        { event: 'job.rejected', jobId: request.id, room, reason: decision.reason },
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
        ownerId: decision.metadata.ownerId,
        sessionId: decision.metadata.sessionId,
        editAgentId: decision.metadata.agentId,
      },
      'job accepted',
    );
    await request.accept('Voxie', `voxie-${request.id}`, '', {
      [VOXIE_ATTRIBUTES.role]: 'creator',
      [VOXIE_ATTRIBUTES.promptVersion]: VOXIE_PROMPT_VERSION,
    });
  };
}
