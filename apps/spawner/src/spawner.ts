import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentServer, initializeLogger, ServerOptions } from '@livekit/agents';
import { createAgentLoader, PublishedAgentCache } from '@voxie/agent-core';
import { otlpOptionsFrom, startWorkerMetrics } from '@voxie/worker-metrics';
import { type AgentChangeListener, listenForAgentChanges } from './agent-change-listener.js';
import { rejectionReason } from './metrics/rejection-reason.js';
import { createRequestHandler } from './request-handler.js';
import type { SpawnerRuntime } from './runtime.js';

/** The agent name explicit dispatches use to reach the spawner. */
export const SPAWNER_AGENT_NAME = 'spawner';

export interface Spawner {
  server: AgentServer;
  cache: PublishedAgentCache;
  /** `http://host:port` of the health endpoint (`/healthz`, `/readyz`). */
  healthUrl: string;
  /** Resolves once the worker registered with LiveKit. */
  registered: Promise<string>;
  /** Stops accepting jobs, waits for running sessions (bounded), then closes everything. */
  stop(): Promise<void>;
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
  initializeLogger({ pretty: false, level: options.frameworkLogLevel ?? env.LOG_LEVEL });

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
  // Job processes report sessions, errors and memory to this process (see @voxie/worker-metrics).
  const metrics = await startWorkerMetrics({
    worker: SPAWNER_AGENT_NAME,
    activeJobs: () => server.activeJobs.length,
    otlp: otlpOptionsFrom(env, 'voxie-spawner'),
  });
  const server = new AgentServer(
    new ServerOptions({
      agent: agentFile,
      agentName: SPAWNER_AGENT_NAME,
      requestFunc: createRequestHandler({
        cache,
        logger,
        onDecision: (decision) =>
          decision.accept
            ? metrics.metrics.jobDecided('accepted', 'accepted')
            : metrics.metrics.jobDecided('rejected', rejectionReason(decision.reason)),
      }),
      wsURL: env.LIVEKIT_URL,
      apiKey: env.LIVEKIT_API_KEY,
      apiSecret: env.LIVEKIT_API_SECRET,
      host: env.HOST,
      port: env.WORKER_HTTP_PORT,
      production: env.NODE_ENV === 'production',
      numIdleProcesses: env.NUM_IDLE_PROCESSES,
      drainTimeout: env.DRAIN_TIMEOUT_MS,
      logLevel: env.LOG_LEVEL,
    }),
  );

  let workerId: string | undefined;
  let draining = false;
  const registered = new Promise<string>((resolve) => {
    server.event.on('worker_registered', (id: string) => {
      workerId = id;
      logger.info({ event: 'worker.registered', workerId: id }, 'registered with LiveKit');
      resolve(id);
    });
  });
  const running = server.run().catch((error: unknown) => {
    logger.error({ err: error }, 'worker stopped with an error');
  });

  const health: Server = createServer((req, res) => {
    const status = {
      status: draining ? 'draining' : workerId ? 'ok' : 'starting',
      workerId: workerId ?? null,
      activeJobs: server.activeJobs.length,
      cache: cache.stats,
    };
    const ready = workerId !== undefined && !draining;
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status));
    } else if (req.url === '/metrics') {
      metrics.respond(res);
    } else if (req.url === '/readyz') {
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not found"}');
    }
  });
  await new Promise<void>((resolve) => health.listen(env.PORT, env.HOST, resolve));
  const { port } = health.address() as AddressInfo;
  const host = env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST;

  let stopping: Promise<void> | undefined;
  return {
    server,
    cache,
    healthUrl: `http://${host}:${port}`,
    registered,
    stop() {
      stopping ??= (async () => {
        draining = true;
        logger.info(
          {
            event: 'worker.draining',
            activeJobs: server.activeJobs.length,
            timeoutMs: env.DRAIN_TIMEOUT_MS,
          },
          'draining: no new jobs, waiting for running sessions',
        );
        try {
          await server.drain(env.DRAIN_TIMEOUT_MS);
        } catch (error) {
          logger.warn({ err: error }, 'drain timed out; closing running sessions');
        }
        await server.close();
        await running;
        await listener?.close();
        await metrics.close();
        await new Promise<void>((resolve) => health.close(() => resolve()));
        logger.info({ event: 'worker.stopped' }, 'worker stopped');
      })();
      return stopping;
    },
  };
}
