import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type HostedAgentServer, hostAgentServer } from '@voxie/agent-worker';
import { VOXIE_AGENT_NAME } from './job-decision.js';
import { voxieRejectionReason } from './metrics/rejection-reason.js';
import { createVoxieRequestHandler } from './request-handler.js';
import type { VoxieRuntime } from './runtime.js';

export type VoxieWorker = HostedAgentServer;

/**
 * Starts the Voxie worker: registers with LiveKit as `voxie` (explicit dispatch only), accepts
 * only `voxie-creation-*` rooms, runs accepted jobs in child processes (`agent.ts`), and serves
 * a health endpoint.
 */
export async function startVoxie(
  runtime: VoxieRuntime,
  options: { agentFile?: string } = {},
): Promise<VoxieWorker> {
  const { env, logger } = runtime;
  return hostAgentServer({
    agentName: VOXIE_AGENT_NAME,
    agentFile:
      options.agentFile ??
      fileURLToPath(new URL(`./agent${extname(import.meta.url)}`, import.meta.url)),
    env,
    logger,
    serviceName: 'voxie-voxie',
    requestFunc: (metrics) =>
      createVoxieRequestHandler({
        logger,
        onDecision: (decision) =>
          decision.accept
            ? metrics.jobDecided('accepted', 'accepted')
            : metrics.jobDecided('rejected', voxieRejectionReason(decision.reason)),
      }),
  });
}
