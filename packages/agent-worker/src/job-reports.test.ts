import { fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { connectJobReporter, type JobReportListener, listenForJobReports } from './job-reports.js';
import { sampleValue, scrape } from './test-samples.js';
import { WorkerMetrics } from './worker-metrics.js';

/** Runs test-job-process.ts as a child of this process, as the framework forks job processes. */
async function runJobProcess(jobId: string, mode: 'ok' | 'crash'): Promise<number | null> {
  const child = fork(new URL('./test-job-process.ts', import.meta.url), [jobId, mode], {
    execArgv: ['--import', 'tsx', '--conditions=@voxie/source'],
    stdio: 'ignore',
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

describe('job reports', () => {
  let listener: JobReportListener | undefined;
  afterEach(async () => {
    await listener?.close();
    listener = undefined;
  });

  it('turns a job process’s reports into session, error and memory metrics', async () => {
    const metrics = new WorkerMetrics({ worker: 'spawner', processMetrics: false });
    // Default path: derived from this process's pid, which the child sees as its ppid.
    listener = await listenForJobReports(metrics);
    expect(await runJobProcess('job-ok', 'ok')).toBe(0);

    await expect
      .poll(async () => sampleValue(await scrape(metrics), 'voxie_worker_job_peak_rss_bytes_count'))
      .toBe(1);
    const samples = await scrape(metrics);
    const duration = (suffix: string) =>
      sampleValue(samples, `voxie_worker_session_duration_seconds_${suffix}`, { outcome: 'ended' });
    expect(duration('count')).toBe(1);
    expect(duration('sum')).toBeGreaterThanOrEqual(0.3);
    expect(duration('sum')).toBeLessThan(5);
    expect(sampleValue(samples, 'voxie_worker_active_sessions')).toBe(0);
    expect(sampleValue(samples, 'voxie_worker_errors_total', { kind: 'tool_failed' })).toBe(1);
    // The peak includes the 32 MiB the job held; the per-job series is gone with the job.
    expect(sampleValue(samples, 'voxie_worker_job_peak_rss_bytes_sum')).toBeGreaterThan(
      32 * 2 ** 20,
    );
    expect(
      sampleValue(samples, 'voxie_worker_job_rss_bytes', { job_id: 'job-ok' }),
    ).toBeUndefined();
  });

  it('counts a job process that dies mid-session as a failed session', async () => {
    const metrics = new WorkerMetrics({ worker: 'spawner', processMetrics: false });
    listener = await listenForJobReports(metrics);
    expect(await runJobProcess('job-crash', 'crash')).toBe(3);
    await expect
      .poll(async () =>
        sampleValue(await scrape(metrics), 'voxie_worker_errors_total', { kind: 'session_failed' }),
      )
      .toBe(1);
    const samples = await scrape(metrics);
    expect(
      sampleValue(samples, 'voxie_worker_session_duration_seconds_count', { outcome: 'failed' }),
    ).toBe(1);
    expect(sampleValue(samples, 'voxie_worker_active_sessions')).toBe(0);
  });

  it('counts malformed reports and removes its socket on close', async () => {
    const metrics = new WorkerMetrics({ worker: 'spawner', processMetrics: false });
    listener = await listenForJobReports(metrics, `${listener?.path ?? ''}x-${process.pid}.sock`);
    const path = listener.path;
    const { createConnection } = await import('node:net');
    const socket = createConnection(path);
    socket.end('not json\n{"type":"memory","jobId":"j","rssBytes":-1}\n');
    await once(socket, 'close');
    await expect
      .poll(async () =>
        sampleValue(await scrape(metrics), 'voxie_worker_errors_total', { kind: 'report_invalid' }),
      )
      .toBe(2);
    await listener.close();
    listener = undefined;
    expect(existsSync(path)).toBe(false);
  });

  it('drops reports quietly when no worker listens (console, in-process sessions)', async () => {
    const reporter = connectJobReporter('lonely', { socketPath: '/nonexistent/voxie.sock' });
    reporter.sessionStarted();
    reporter.sessionEnded('ended');
    await expect(reporter.close()).resolves.toBeUndefined();
  });
});
