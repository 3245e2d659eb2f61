import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { z } from 'zod';
import type { WorkerMetrics } from './worker-metrics.js';

/**
 * Env variables of the optional OpenTelemetry export (the standard OTEL_* names, so a collector
 * set up for other services works unchanged). Apps spread this into their env schema.
 */
export const otlpEnv = {
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: z
    .url({ protocol: /^https?$/, message: 'must be an http(s):// URL' })
    .optional()
    .describe('OTLP/HTTP metrics URL, e.g. http://otel-collector:4318/v1/metrics'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url({ protocol: /^https?$/, message: 'must be an http(s):// URL' })
    .optional()
    .describe('OTLP/HTTP base URL; metrics go to <url>/v1/metrics'),
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .optional()
    .describe('headers for the collector, e.g. authorization=Bearer xyz,x-team=voice'),
  OTEL_METRIC_EXPORT_INTERVAL: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int()
    .min(1_000, { message: 'must be at least 1000' })
    .default(60_000)
    .describe('milliseconds between OTLP metric exports'),
  OTEL_SERVICE_NAME: z.string().min(1).optional().describe('service.name of the exported metrics'),
};

export interface OtlpExportOptions {
  /** Full OTLP/HTTP metrics URL (`…/v1/metrics`). */
  url: string;
  headers: Record<string, string>;
  intervalMs: number;
  serviceName: string;
}

type OtlpEnv = {
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_HEADERS?: string;
  OTEL_METRIC_EXPORT_INTERVAL: number;
  OTEL_SERVICE_NAME?: string;
};

/** The export settings an app's parsed env asks for, or undefined when no endpoint is set. */
export function otlpOptionsFrom(env: OtlpEnv, serviceName: string): OtlpExportOptions | undefined {
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  const url = env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT ?? (base && `${base}/v1/metrics`);
  if (!url) return undefined;
  const headers: Record<string, string> = {};
  for (const pair of (env.OTEL_EXPORTER_OTLP_HEADERS ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0)
      headers[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(
        pair.slice(eq + 1).trim(),
      );
  }
  return {
    url,
    headers,
    intervalMs: env.OTEL_METRIC_EXPORT_INTERVAL,
    serviceName: env.OTEL_SERVICE_NAME ?? serviceName,
  };
}

export interface OtlpExport {
  /** Exports what is pending now (also done by `shutdown`). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Mirrors a worker's observations to an OpenTelemetry collector over OTLP/HTTP, next to the
 * Prometheus endpoint: `voxie.worker.jobs`, `voxie.worker.active_sessions`,
 * `voxie.worker.session.duration` (s), `voxie.worker.errors`, `voxie.worker.job.memory` (By).
 */
export function startOtlpExport(metrics: WorkerMetrics, options: OtlpExportOptions): OtlpExport {
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: options.url, headers: options.headers }),
        exportIntervalMillis: options.intervalMs,
      }),
    ],
  });
  const meter = provider.getMeter('@voxie/agent-worker');
  const jobs = meter.createCounter('voxie.worker.jobs', {
    description: 'Job requests answered, by outcome and reason',
  });
  const activeSessions = meter.createUpDownCounter('voxie.worker.active_sessions', {
    description: 'Agent sessions running in this worker',
  });
  const duration = meter.createHistogram('voxie.worker.session.duration', {
    description: 'Length of finished agent sessions',
    unit: 's',
  });
  const errors = meter.createCounter('voxie.worker.errors', {
    description: 'Errors in jobs and sessions, by kind',
  });
  const memory = meter.createHistogram('voxie.worker.job.memory', {
    description: 'Resident memory samples of job processes',
    unit: 'By',
  });
  metrics.observe({
    jobDecided: (outcome, reason) => jobs.add(1, { outcome, reason }),
    sessionStarted: () => activeSessions.add(1),
    sessionEnded: (outcome, seconds) => {
      activeSessions.add(-1);
      duration.record(seconds, { outcome });
    },
    error: (kind) => errors.add(1, { kind }),
    jobMemory: (rssBytes) => memory.record(rssBytes),
  });
  return {
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
