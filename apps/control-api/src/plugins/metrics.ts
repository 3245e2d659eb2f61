import { Counter, Histogram, Registry } from 'prom-client';

/** The control API's Prometheus metrics, in a registry of its own (one per app instance). */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'voxie_http_requests_total',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'voxie_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly webhookEvents = new Counter({
    name: 'voxie_webhook_events_total',
    help: 'LiveKit webhook deliveries by event type and outcome (stored, duplicate, rejected, failed)',
    labelNames: ['event', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly tokensMinted = new Counter({
    name: 'voxie_livekit_tokens_minted_total',
    help: 'LiveKit access tokens minted, by purpose',
    labelNames: ['purpose'] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'voxie_http_errors_total',
    help: 'Error responses by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
}
