import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentServer, initializeLogger, ServerOptions } from '@livekit/agents';
import { otlpOptionsFrom, startWorkerMetrics } from '@voxie/worker-metrics';
import { VOXIE_AGENT_NAME } from './job-decision.js';
import { voxieRejectionReason } from './metrics/rejection-reason.js';
import { createVoxieRequestHandler } from './request-handler.js';
import type { VoxieRuntime } from './runtime.js';

export interface VoxieWorker {
  server: AgentServer;
  /** `http://host:port` of the health endpoint (`/healthz`, `/readyz`). */
  healthUrl: string;
  /** Resolves with the worker id once registered with LiveKit. */
  registered: Promise<string>;
  /** Stops accepting jobs, waits for running sessions (bounded), then closes everything. */
  stop(): Promise<void>;
}

/**
 * Starts the Voxie worker: registers with LiveKit as `voxie` (explicit dispatch only), accepts
 * only `voxie-creation-*` rooms, runs accepted jobs in child processes (`agent.ts`), and serves
 * a health endpoint.
 */
export async function startVoxie(
  runtime: VoxieRuntime,
  options: { agentFile?: string; loadFunc?: () => Promise<number> } = {},
): Promise<VoxieWorker> {
  const { env, logger } = runtime;
  initializeLogger({ pretty: false, level: env.LOG_LEVEL === 'silent' ? 'silent' : env.LOG_LEVEL });
  const agentFile =
    options.agentFile ??
    fileURLToPath(new URL(`./agent${extname(import.meta.url)}`, import.meta.url));
  // Job processes report sessions, errors and memory to this process (see @voxie/worker-metrics).
  const metrics = await startWorkerMetrics({
    worker: VOXIE_AGENT_NAME,
    activeJobs: () => server.activeJobs.length,
    otlp: otlpOptionsFrom(env, 'voxie-voxie'),
  });
  const server = new AgentServer(
    new ServerOptions({
      agent: agentFile,
      agentName: VOXIE_AGENT_NAME,
      requestFunc: createVoxieRequestHandler({
        logger,
        onDecision: (decision) =>
          decision.accept
            ? metrics.metrics.jobDecided('accepted', 'accepted')
            : metrics.metrics.jobDecided('rejected', voxieRejectionReason(decision.reason)),
      }),
      loadFunc: options.loadFunc,
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
    if (req.url === '/metrics') {
      metrics.respond(res);
      return;
    }
    const status = {
      status: draining ? 'draining' : workerId ? 'ok' : 'starting',
      workerId: workerId ?? null,
      activeJobs: server.activeJobs.length,
    };
    const ready = workerId !== undefined && !draining;
    const code = req.url === '/healthz' ? 200 : req.url === '/readyz' ? (ready ? 200 : 503) : 404;
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(code === 404 ? '{"error":"not found"}' : JSON.stringify(status));
  });
  await new Promise<void>((resolve) => health.listen(env.PORT, env.HOST, resolve));
  const { port } = health.address() as AddressInfo;
  const host = env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST;

  let stopping: Promise<void> | undefined;
  return {
    server,
    healthUrl: `http://${host}:${port}`,
    registered,
    stop() {
      stopping ??= (async () => {
        draining = true;
        logger.info(
          { event: 'worker.draining', activeJobs: server.activeJobs.length },
          'draining: no new jobs, waiting for running sessions',
        );
        try {
          await server.drain(env.DRAIN_TIMEOUT_MS);
        } catch (error) {
          logger.warn({ err: error }, 'drain timed out; closing running sessions');
        }
        await server.close();
        await running;
        await metrics.close();
        await new Promise<void>((resolve) => health.close(() => resolve()));
        logger.info({ event: 'worker.stopped' }, 'worker stopped');
      })();
      return stopping;
    },
  };
}
