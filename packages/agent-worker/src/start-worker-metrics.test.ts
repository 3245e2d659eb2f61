import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectJobReporter } from './job-reports.js';
import { JobTracker } from './job-tracker.js';
import { parsePrometheusText } from './prometheus-text.js';
import { startWorkerMetrics } from './start-worker-metrics.js';
import { sampleValue } from './test-samples.js';

describe('startWorkerMetrics', () => {
  it('serves what job trackers report as Prometheus text', async () => {
    const socketPath = join(tmpdir(), `voxie-worker-test-${process.pid}.sock`);
    const running = await startWorkerMetrics({
      worker: 'voxie',
      activeJobIds: () => ['job-1', 'job-2'],
      processMetrics: false,
      socketPath,
    });
    const server = createServer((request, response) => {
      if (request.url === '/metrics') running.respond(response);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    try {
      running.metrics.jobDecided('accepted', 'accepted');
      const tracker = new JobTracker('job-1', {
        reporter: connectJobReporter('job-1', { socketPath }),
      });
      tracker.session(new Promise((resolve) => setTimeout(() => resolve('user_initiated'), 50)));
      await tracker.close();

      await expect
        .poll(async () => {
          const samples = parsePrometheusText(await (await fetch(url)).text());
          return sampleValue(samples, 'voxie_worker_session_duration_seconds_count', {
            outcome: 'ended',
          });
        })
        .toBe(1);
      const response = await fetch(url);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const samples = parsePrometheusText(await response.text());
      expect(sampleValue(samples, 'voxie_worker_jobs_total', { outcome: 'accepted' })).toBe(1);
      // job-1 reported its end; job-2 is still starting.
      expect(sampleValue(samples, 'voxie_worker_active_jobs', { worker: 'voxie' })).toBe(1);
      expect(sampleValue(samples, 'voxie_worker_job_peak_rss_bytes_count')).toBe(1);
    } finally {
      await running.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
