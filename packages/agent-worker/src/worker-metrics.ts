import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** How a job request was answered. */
export type JobDecisionOutcome = 'accepted' | 'rejected';

/** How a session ended, as far as metrics care. */
export type SessionOutcome = 'ended' | 'failed';

export interface WorkerMetricsOptions {
  /** The worker's LiveKit agent name (`spawner`, `voxie`): every series carries it as `worker`. */
  worker: string;
  /** Ids of the jobs the framework lists as active (`AgentServer.activeJobs`), read at each scrape. */
  activeJobIds?: () => readonly string[];
  /** Also export Node process metrics of the worker's main process (default true). */
  processMetrics?: boolean;
}

/** Something that also wants every observation (the optional OTLP exporter). */
export interface MetricsObserver {
  jobDecided(outcome: JobDecisionOutcome, reason: string): void;
  sessionStarted(): void;
  sessionEnded(outcome: SessionOutcome, seconds: number): void;
  error(kind: string): void;
  jobMemory(rssBytes: number): void;
}

/** Session lengths: seconds (a hang-up) to an hour (a long call). */
const DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];
/** Job process resident memory: 64 MiB to 4 GiB. */
const MEMORY_BUCKETS = [64, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 4096].map(
  (mib) => mib * 1024 * 1024,
);

/**
 * A worker's Prometheus metrics, in a registry of its own, served as text on the worker's health
 * port (`GET /metrics`). Sessions, durations, errors and memory are reported by the job
 * processes (see `listenForJobReports`); decisions by the worker's request handler.
 *
 * - `voxie_worker_active_sessions` — sessions running in this worker's job processes
 * - `voxie_worker_active_jobs` — jobs the framework is running (sessions plus jobs still starting)
 * - `voxie_worker_jobs_total{outcome,reason}` — job requests accepted / rejected, by reason
 * - `voxie_worker_session_duration_seconds{outcome}` — histogram of finished sessions
 * - `voxie_worker_errors_total{kind}` — failed jobs and sessions
 * - `voxie_worker_job_rss_bytes{job_id}` — latest resident memory of each running job process
 * - `voxie_worker_job_peak_rss_bytes` — histogram of each finished job process's peak memory
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  /** The worker's agent name, also the `worker` label of every series. */
  readonly worker: string;
  readonly #sessions = new Map<string, number>();
  /** Jobs whose process reported its end (or whose report connection closed). */
  readonly #endedJobs = new Set<string>();
  readonly #observers: MetricsObserver[] = [];

  readonly activeSessions: Gauge;
  readonly activeJobs: Gauge;
  readonly jobs: Counter<'outcome' | 'reason'>;
  readonly sessionDuration: Histogram<'outcome'>;
  readonly errors: Counter<'kind'>;
  readonly jobRss: Gauge<'job_id'>;
  readonly jobPeakRss: Histogram;

  constructor(options: WorkerMetricsOptions) {
    this.worker = options.worker;
    this.registry.setDefaultLabels({ worker: options.worker });
    const registers = [this.registry];
    const sessions = this.#sessions;
    this.activeSessions = new Gauge({
      name: 'voxie_worker_active_sessions',
      help: "Agent sessions running in this worker's job processes",
      registers,
      collect() {
        this.set(sessions.size);
      },
    });
    const activeJobIds = options.activeJobIds;
    const running = (ids: readonly string[]) => this.runningJobs(ids);
    this.activeJobs = new Gauge({
      name: 'voxie_worker_active_jobs',
      help: 'Jobs this worker is running (sessions and jobs still starting)',
      registers,
      collect() {
        if (activeJobIds) this.set(running(activeJobIds()));
      },
    });
    this.jobs = new Counter({
      name: 'voxie_worker_jobs_total',
      help: 'Job requests answered, by outcome (accepted, rejected) and reason',
      labelNames: ['outcome', 'reason'],
      registers,
    });
    this.sessionDuration = new Histogram({
      name: 'voxie_worker_session_duration_seconds',
      help: 'Length of finished agent sessions, by outcome (ended, failed)',
      labelNames: ['outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: 'voxie_worker_errors_total',
      help: 'Errors in jobs and sessions, by kind',
      labelNames: ['kind'],
      registers,
    });
    this.jobRss = new Gauge({
      name: 'voxie_worker_job_rss_bytes',
      help: 'Latest resident memory of each running job process',
      labelNames: ['job_id'],
      registers,
    });
    this.jobPeakRss = new Histogram({
      name: 'voxie_worker_job_peak_rss_bytes',
      help: 'Peak resident memory of finished job processes',
      buckets: MEMORY_BUCKETS,
      registers,
    });
    if (options.processMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry, prefix: 'voxie_worker_' });
    }
  }

  /** Adds an observer that sees every observation (used by the OTLP exporter). */
  observe(observer: MetricsObserver): void {
    this.#observers.push(observer);
  }

  /** A job request was accepted or rejected; `reason` must be a small fixed vocabulary. */
  jobDecided(outcome: JobDecisionOutcome, reason: string): void {
    this.jobs.inc({ outcome, reason });
    for (const observer of this.#observers) observer.jobDecided(outcome, reason);
  }

  sessionStarted(jobId: string, startedAtMs = Date.now()): void {
    if (this.#sessions.has(jobId)) return;
    this.#sessions.set(jobId, startedAtMs);
    for (const observer of this.#observers) observer.sessionStarted();
  }

  /** Ends the job's session; its duration is measured from `sessionStarted`. */
  sessionEnded(jobId: string, outcome: SessionOutcome, endedAtMs = Date.now()): void {
    const startedAt = this.#sessions.get(jobId);
    if (startedAt === undefined) return;
    this.#sessions.delete(jobId);
    const seconds = Math.max(0, (endedAtMs - startedAt) / 1000);
    this.sessionDuration.observe({ outcome }, seconds);
    if (outcome === 'failed') this.error('session_failed');
    for (const observer of this.#observers) observer.sessionEnded(outcome, seconds);
  }

  error(kind: string): void {
    this.errors.inc({ kind });
    for (const observer of this.#observers) observer.error(kind);
  }

  jobMemory(jobId: string, rssBytes: number): void {
    this.jobRss.set({ job_id: jobId }, rssBytes);
    for (const observer of this.#observers) observer.jobMemory(rssBytes);
  }

  /**
   * The job process is gone: records its peak memory and forgets its series. A session the
   * process never reported ending (it crashed) counts as failed.
   */
  jobEnded(jobId: string, peakRssBytes: number | undefined, endedAtMs = Date.now()): void {
    this.#endedJobs.add(jobId);
    if (this.#sessions.has(jobId)) this.sessionEnded(jobId, 'failed', endedAtMs);
    if (peakRssBytes !== undefined && peakRssBytes > 0) this.jobPeakRss.observe(peakRssBytes);
    this.jobRss.remove({ job_id: jobId });
  }

  /**
   * How many of the framework's active jobs are really running: those whose process has not
   * reported its end. @livekit/agents 1.9 never removes a finished job from `activeJobs` when it
   * runs without idle processes (NUM_IDLE_PROCESSES=0, its default outside production), so its
   * list alone only grows. Ended ids the framework has dropped are forgotten here too.
   */
  runningJobs(activeJobIds: readonly string[]): number {
    const active = new Set(activeJobIds);
    for (const id of this.#endedJobs) if (!active.has(id)) this.#endedJobs.delete(id);
    let running = 0;
    for (const id of active) if (!this.#endedJobs.has(id)) running += 1;
    return running;
  }

  /** Prometheus text exposition of every metric. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
