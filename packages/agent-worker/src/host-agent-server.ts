import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentServer, initializeLogger, type JobRequest, ServerOptions } from '@livekit/agents';
import type { Logger } from '@voxie/config';
import { otlpOptionsFrom } from './otlp-export.js';
import { sessionCapacityLoad } from './session-capacity.js';
import { startWorkerMetrics } from './start-worker-metrics.js';
import type { AgentWorkerEnv } from './worker-env.js';
import type { WorkerMetrics } from './worker-metrics.js';

/**
 * How long a job process closed by the worker (idle, or still running when the drain timed out)
 * has to acknowledge and exit before it is killed. @livekit/agents 1.9 waits 60 s by default, and
 * its warm idle processes never acknowledge, so every stop would take a minute longer.
 */
export const JOB_PROCESS_SHUTDOWN_MS = 10_000;

/** How long an accepted job may wait for LiveKit's assignment (the framework waits 7.5 s). */
const ASSIGNMENT_WAIT_MS = 10_000;

type RequestFunc = NonNullable<ConstructorParameters<typeof ServerOptions>[0]['requestFunc']>;

/** The parsed env a hosted worker reads: its own variables, LiveKit, logging and PORT. */
export interface HostedWorkerEnv extends AgentWorkerEnv {
  NODE_ENV: string;
  LOG_LEVEL: string;
  PORT: number;
  LIVEKIT_URL: string;
  LIVEKIT_API_KEY: string;
  LIVEKIT_API_SECRET: string;
}

export interface HostAgentServerOptions {
  /** The agent name explicit dispatches use; also the `worker` label of every metric. */
  agentName: string;
  /** The job-process entry file the framework forks for each accepted job. */
  agentFile: string;
  env: HostedWorkerEnv;
  logger: Logger;
  /** `service.name` of the OTLP export. */
  serviceName: string;
  /** Decides on each job request; report each decision to `metrics.jobDecided`. */
  requestFunc: (metrics: WorkerMetrics) => RequestFunc;
  /** Level of the framework's own logs (default: LOG_LEVEL). */
  frameworkLogLevel?: string;
  /** Extra fields of the `/healthz` and `/readyz` bodies. */
  status?: () => Record<string, unknown>;
  /** Runs once the agent server has closed, before metrics and health close. */
  onClosed?: () => Promise<void>;
}

export interface HostedAgentServer {
  server: AgentServer;
  /** `http://host:port` of the health endpoint (`/healthz`, `/readyz`, `/metrics`). */
  healthUrl: string;
  /** Resolves with the worker id once registered with LiveKit. */
  registered: Promise<string>;
  /** Stops accepting jobs, waits for running sessions (bounded), then closes everything. */
  stop(): Promise<void>;
}

/**
 * Runs a LiveKit `AgentServer` the way every Voxie worker runs: metrics and the job-report socket
 * first, then the worker registration, a health server (`/healthz` always 200, `/readyz` 200 only
 * while registered and not draining, `/metrics`), and a `stop()` that drains within
 * DRAIN_TIMEOUT_MS before closing.
 */
export async function hostAgentServer(options: HostAgentServerOptions): Promise<HostedAgentServer> {
  const { env, logger } = options;
  const logLevel = options.frameworkLogLevel ?? env.LOG_LEVEL;
  initializeLogger({ pretty: false, level: logLevel });

  // Accepted jobs whose process is still starting: the framework lists a job only once launched.
  const starting = new StartingJobs(ASSIGNMENT_WAIT_MS + env.JOB_INITIALIZE_TIMEOUT_MS);
  const activeJobIds = () => starting.withListed(server.activeJobs.map((job) => job.job.id));
  // Job processes report sessions, errors and memory to this process (see job-reports.ts).
  const metrics = await startWorkerMetrics({
    worker: options.agentName,
    activeJobIds,
    otlp: otlpOptionsFrom(env, options.serviceName),
  });
  const runningJobs = (): number => metrics.metrics.runningJobs(activeJobIds());
  const decide = options.requestFunc(metrics.metrics);
  const capacity = env.MAX_SESSIONS;
  const server: AgentServer = new AgentServer(
    new ServerOptions({
      agent: options.agentFile,
      agentName: options.agentName,
      requestFunc: (request) => decide(countingStarts(request, starting)),
      // With MAX_SESSIONS the load is the share of it in use, full at 1; else the framework's CPU load.
      loadFunc: capacity ? sessionCapacityLoad(capacity, runningJobs) : undefined,
      loadThreshold: capacity ? 1 : undefined,
      wsURL: env.LIVEKIT_URL,
      apiKey: env.LIVEKIT_API_KEY,
      apiSecret: env.LIVEKIT_API_SECRET,
      host: env.HOST,
      port: env.WORKER_HTTP_PORT,
      production: env.NODE_ENV === 'production',
      numIdleProcesses: env.NUM_IDLE_PROCESSES,
      drainTimeout: env.DRAIN_TIMEOUT_MS,
      shutdownProcessTimeout: JOB_PROCESS_SHUTDOWN_MS,
      initializeProcessTimeout: env.JOB_INITIALIZE_TIMEOUT_MS,
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

  const respond = (request: IncomingMessage, response: ServerResponse) => {
    if (request.url === '/metrics') {
      metrics.respond(response);
      return;
    }
    const ready = workerId !== undefined && !draining;
    const code =
      request.url === '/healthz' ? 200 : request.url === '/readyz' ? (ready ? 200 : 503) : 404;
    const body =
      code === 404
        ? { error: 'not found' }
        : {
            status: draining ? 'draining' : workerId ? 'ok' : 'starting',
            workerId: workerId ?? null,
            activeJobs: runningJobs(),
            ...options.status?.(),
          };
    response.writeHead(code, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const health = createServer(respond);
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
          {
            event: 'worker.draining',
            activeJobs: runningJobs(),
            timeoutMs: env.DRAIN_TIMEOUT_MS,
          },
          'draining: no new jobs, waiting for running sessions',
        );
        await drainJobs(server, runningJobs, env.DRAIN_TIMEOUT_MS, logger);
        await server.close();
        await running;
        await options.onClosed?.();
        await metrics.close();
        await new Promise<void>((resolve) => health.close(() => resolve()));
        logger.info({ event: 'worker.stopped' }, 'worker stopped');
      })();
      return stopping;
    },
  };
}

/**
 * Jobs accepted but not yet listed by the framework: `JobRequest.accept` returns at once, and the
 * framework lists a job only once its process runs it. A job leaves when it is listed, or after
 * `limitMs` (its launch failed).
 */
class StartingJobs {
  readonly #since = new Map<string, number>();
  constructor(private readonly limitMs: number) {}

  accepted(jobId: string): void {
    this.#since.set(jobId, Date.now());
  }

  /** The listed job ids plus those still starting. */
  withListed(listed: readonly string[]): string[] {
    if (this.#since.size === 0) return [...listed];
    const ids = new Set(listed);
    const now = Date.now();
    for (const [id, since] of this.#since) {
      if (ids.has(id) || now - since > this.limitMs) this.#since.delete(id);
      else ids.add(id);
    }
    return [...ids];
  }
}

/** The request as the app's handler sees it, except that accepting records the job as starting. */
function countingStarts(request: JobRequest, starting: StartingJobs): JobRequest {
  // A delegate, not a subclass: JobRequest's getters read private fields of the original.
  const delegate = {
    get id() {
      return request.id;
    },
    get job() {
      return request.job;
    },
    get room() {
      return request.room;
    },
    get publisher() {
      return request.publisher;
    },
    get agentName() {
      return request.agentName;
    },
    reject: () => request.reject(),
    accept: (...args: Parameters<JobRequest['accept']>) => {
      starting.accepted(request.id);
      return request.accept(...args);
    },
  };
  return delegate as unknown as JobRequest;
}

/**
 * Stops taking jobs and waits up to `timeoutMs` for the running ones to end. @livekit/agents 1.9's
 * own drain can fail at once ("runner not started") while a warm process is still starting, which
 * is routine in production; then this keeps waiting on the jobs the worker knows to be running.
 */
async function drainJobs(
  server: AgentServer,
  runningJobs: () => number,
  timeoutMs: number,
  logger: Logger,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  try {
    await server.drain(timeoutMs);
    return;
  } catch (error) {
    if (Date.now() >= deadline) {
      logger.warn({ err: error }, 'drain timed out; closing running sessions');
      return;
    }
    logger.debug({ err: error }, 'framework drain gave up early; waiting for running jobs');
  }
  while (runningJobs() > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (runningJobs() > 0) {
    logger.warn({ activeJobs: runningJobs() }, 'drain timed out; closing running sessions');
  }
}
