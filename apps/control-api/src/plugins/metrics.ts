import { Counter, Histogram, Registry } from 'prom-client';

/** Request metrics of one route and method, with label children bound once. */
export interface RouteMetrics {
  observe(statusCode: number, seconds: number): void;
}

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

  /** Binds the label children of one route (looking labels up per request is measurable). */
  forRoute(method: string, route: string): RouteMetrics {
    const duration = this.requestDuration.labels({ method, route });
    const counters = new Map<number, ReturnType<typeof this.requests.labels>>();
    return {
      observe: (statusCode, seconds) => {
        let counter = counters.get(statusCode);
        if (!counter) {
          counter = this.requests.labels({ method, route, status_code: String(statusCode) });
          counters.set(statusCode, counter);
        }
        counter.inc();
        duration.observe(seconds);
      },
    };
  }
}
