import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { otlpOptionsFrom, startOtlpExport } from './otlp-export.js';
import { WorkerMetrics } from './worker-metrics.js';

interface OtlpDataPoint {
  asDouble?: number;
  asInt?: number | string;
  count?: number | string;
  sum?: number;
  attributes?: { key: string; value: { stringValue?: string } }[];
}
interface OtlpMetric {
  name: string;
  sum?: { dataPoints: OtlpDataPoint[] };
  histogram?: { dataPoints: OtlpDataPoint[] };
}
interface OtlpPayload {
  resourceMetrics: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeMetrics: { metrics: OtlpMetric[] }[];
  }[];
}

async function body(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
}

describe('OTLP export', () => {
  it('is off without an endpoint and reads the standard OTEL_* settings', () => {
    expect(otlpOptionsFrom({ OTEL_METRIC_EXPORT_INTERVAL: 60_000 }, 'spawner')).toBeUndefined();
    expect(
      otlpOptionsFrom(
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
          OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc, x-team=voice',
          OTEL_METRIC_EXPORT_INTERVAL: 5_000,
        },
        'spawner',
      ),
    ).toEqual({
      url: 'http://collector:4318/v1/metrics',
      headers: { authorization: 'Bearer abc', 'x-team': 'voice' },
      intervalMs: 5_000,
      serviceName: 'spawner',
    });
  });

  it('sends job, session, error and memory metrics to an OTLP/HTTP collector', async () => {
    const received: { headers: IncomingMessage['headers']; payload: OtlpPayload }[] = [];
    const collector = createServer(async (request, response) => {
      const text = await body(request);
      if (request.url === '/v1/metrics') {
        received.push({ headers: request.headers, payload: JSON.parse(text) as OtlpPayload });
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    try {
      const metrics = new WorkerMetrics({ worker: 'spawner', processMetrics: false });
      const options = otlpOptionsFrom(
        {
          OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `http://127.0.0.1:${port}/v1/metrics`,
          OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=k1',
          OTEL_METRIC_EXPORT_INTERVAL: 60_000,
          OTEL_SERVICE_NAME: 'voxie-spawner',
        },
        'spawner',
      );
      if (!options) throw new Error('no options');
      const exporter = startOtlpExport(metrics, options);
      metrics.jobDecided('accepted', 'accepted');
      metrics.jobDecided('rejected', 'room_not_served');
      metrics.sessionStarted('j', 0);
      metrics.sessionEnded('j', 'ended', 12_500);
      metrics.error('job_failed');
      metrics.jobMemory('j', 123_456_789);
      await exporter.shutdown();

      expect(received.length).toBeGreaterThan(0);
      const last = received.at(-1);
      expect(last?.headers['x-api-key']).toBe('k1');
      const resource = last?.payload.resourceMetrics[0];
      expect(resource?.resource.attributes).toContainEqual({
        key: 'service.name',
        value: { stringValue: 'voxie-spawner' },
      });
      const byName = new Map(
        (resource?.scopeMetrics ?? []).flatMap((scope) =>
          scope.metrics.map((metric) => [metric.name, metric] as const),
        ),
      );
      const points = (name: string) =>
        byName.get(name)?.sum?.dataPoints ?? byName.get(name)?.histogram?.dataPoints ?? [];
      const attribute = (point: OtlpDataPoint, key: string) =>
        point.attributes?.find((entry) => entry.key === key)?.value.stringValue;
      expect(
        points('voxie.worker.jobs').map((point) => [
          attribute(point, 'outcome'),
          attribute(point, 'reason'),
          Number(point.asDouble ?? point.asInt),
        ]),
      ).toEqual(
        expect.arrayContaining([
          ['accepted', 'accepted', 1],
          ['rejected', 'room_not_served', 1],
        ]),
      );
      const [duration] = points('voxie.worker.session.duration');
      expect(Number(duration?.count)).toBe(1);
      expect(duration?.sum).toBe(12.5);
      expect(
        Number(
          points('voxie.worker.active_sessions')[0]?.asDouble ??
            points('voxie.worker.active_sessions')[0]?.asInt,
        ),
      ).toBe(0);
      expect(attribute(points('voxie.worker.errors')[0] ?? {}, 'kind')).toBe('job_failed');
      expect(points('voxie.worker.job.memory')[0]?.sum).toBe(123_456_789);
    } finally {
      await new Promise<void>((resolve) => collector.close(() => resolve()));
    }
  });
});
