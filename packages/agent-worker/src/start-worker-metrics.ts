import type { ServerResponse } from 'node:http';
import { type JobReportListener, listenForJobReports } from './job-reports.js';
import { type OtlpExport, type OtlpExportOptions, startOtlpExport } from './otlp-export.js';
import { WorkerMetrics, type WorkerMetricsOptions } from './worker-metrics.js';

export interface RunningWorkerMetrics {
  metrics: WorkerMetrics;
  /** Answers `GET /metrics` on the worker's health server. */
  respond(response: ServerResponse): void;
  /** Stops listening for job reports and flushes the OTLP export (call after draining). */
  close(): Promise<void>;
}

/**
 * The worker-process side: metrics, the job-report socket its job processes connect to, and
 * the OTLP export when `otlp` is given. Start it before the agent server forks job processes.
 */
export async function startWorkerMetrics(
  options: WorkerMetricsOptions & { otlp?: OtlpExportOptions; socketPath?: string },
): Promise<RunningWorkerMetrics> {
  const metrics = new WorkerMetrics(options);
  const listener: JobReportListener = await listenForJobReports(metrics, options.socketPath);
  const exporter: OtlpExport | undefined = options.otlp
    ? startOtlpExport(metrics, options.otlp)
    : undefined;
  let closing: Promise<void> | undefined;
  return {
    metrics,
    respond(response) {
      metrics.text().then(
        (text) => {
          response.writeHead(200, { 'content-type': metrics.contentType });
          response.end(text);
        },
        () => {
          response.writeHead(500, { 'content-type': 'application/json' });
          response.end('{"error":"metrics unavailable"}');
        },
      );
    },
    close() {
      closing ??= (async () => {
        await listener.close();
        await exporter?.shutdown().catch(() => undefined);
      })();
      return closing;
    },
  };
}
