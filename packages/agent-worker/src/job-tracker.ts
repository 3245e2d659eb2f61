import { connectJobReporter, type JobReporter } from './job-reports.js';

/**
 * The job-process side of a worker's metrics for one job: create it when the job's entry
 * starts, hand it the session once it runs, and close it from a shutdown callback.
 *
 * ```ts
 * const tracker = new JobTracker(ctx.job.id, { worker: 'spawner' });
 * ctx.addShutdownCallback(() => tracker.close());
 * const running = await startAgentSession(...);
 * tracker.session(running.ended);
 * ```
 */
export class JobTracker {
  readonly #reporter: JobReporter;
  #ended: Promise<void> | undefined;

  /** `worker` is the worker's agent name; `reporter` replaces the socket (tests). */
  constructor(jobId: string, options: { worker?: string; reporter?: JobReporter } = {}) {
    this.#reporter = options.reporter ?? connectJobReporter(jobId, { worker: options.worker });
  }

  /** The job could not run (no target, agent gone, session failed to start...). */
  failed(kind = 'job_failed'): void {
    this.#reporter.error(kind);
  }

  /**
   * A session started; `ended` resolves with its close reason. The agents framework closes
   * with reason `error` when the session failed.
   */
  session(ended: Promise<string>, isFailure = (reason: string) => reason === 'error'): void {
    this.#reporter.sessionStarted();
    this.#ended = ended.then(
      (reason) => this.#reporter.sessionEnded(isFailure(reason) ? 'failed' : 'ended'),
      () => this.#reporter.sessionEnded('failed'),
    );
  }

  /**
   * Waits (up to `timeoutMs`) for the session's end to be reported, then sends the job's final
   * memory figures and disconnects. Shutdown callbacks run concurrently, so this is what keeps
   * "session ended" ahead of "job ended".
   */
  async close(timeoutMs = 15_000): Promise<void> {
    if (this.#ended) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.#ended,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    await this.#reporter.close();
  }
}
