import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAgentLoader, PublishedAgentCache } from '@voxie/agent-core';
import { type HostedAgentServer, hostAgentServer } from '@voxie/agent-worker';
import { type AgentChangeListener, listenForAgentChanges } from './agent-change-listener.js';
import { rejectionReason } from './metrics/rejection-reason.js';
import { createRequestHandler } from './request-handler.js';
import type { SpawnerRuntime } from './runtime.js';

/** The agent name explicit dispatches use to reach the spawner. */
export const SPAWNER_AGENT_NAME = 'spawner';

export interface Spawner extends HostedAgentServer {
  cache: PublishedAgentCache;
}

/**
 * Starts the worker: registers with LiveKit as `spawner`, decides on jobs through the cached
 * agent lookup (invalidated over LISTEN/NOTIFY), runs accepted jobs in child processes
 * (`agent.ts`), and serves a health endpoint.
 */
export async function startSpawner(
  runtime: SpawnerRuntime,
  options: {
    agentFile?: string;
    /** Level of the LiveKit framework's own logs (default: LOG_LEVEL). */
    frameworkLogLevel?: string;
  } = {},
): Promise<Spawner> {
  const { env, logger } = runtime;
  const cache = new PublishedAgentCache({
    load: createAgentLoader(runtime.database, runtime.registry.keys, 'voice'),
    ttlMs: env.AGENT_CACHE_TTL_MS,
    missTtlMs: env.AGENT_CACHE_MISS_TTL_MS,
  });
  let listener: AgentChangeListener | undefined;
  if (env.DATABASE_URL) {
    listener = listenForAgentChanges({
      url: env.DATABASE_URL,
      logger,
      onChange: (agentId) => cache.invalidate(agentId),
      onReset: () => cache.clear(),
    });
    await listener.ready;
  } else {
    logger.warn('no DATABASE_URL: agent changes reach this worker only after the cache TTL');
  }

  const agentFile =
    options.agentFile ??
    fileURLToPath(new URL(`./agent${extname(import.meta.url)}`, import.meta.url));
  const hosted = await hostAgentServer({
    agentName: SPAWNER_AGENT_NAME,
    agentFile,
    env,
    logger,
    serviceName: 'voxie-spawner',
    frameworkLogLevel: options.frameworkLogLevel,
    requestFunc: (metrics) =>
      createRequestHandler({
        cache,
        logger,
        onDecision: (decision) =>
          decision.accept
            ? metrics.jobDecided('accepted', 'accepted')
            : metrics.jobDecided('rejected', rejectionReason(decision.reason)),
      }),
    status: () => ({ cache: cache.stats }),
    onClosed: async () => {
      await listener?.close();
    },
  });
  return { ...hosted, cache };
}
