import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from './prometheus-text.js';
import { sampleValue, scrape } from './test-samples.js';
import { WorkerMetrics } from './worker-metrics.js';

describe('WorkerMetrics', () => {
  it('counts decisions by outcome and reason, labelled with the worker', async () => {
    const metrics = new WorkerMetrics({ worker: 'spawner', processMetrics: false });
    metrics.jobDecided('accepted', 'accepted');
    metrics.jobDecided('accepted', 'accepted');
    metrics.jobDecided('rejected', 'agent_unavailable');
    const samples = await scrape(metrics);
    const jobs = (labels: Record<string, string>) =>
      sampleValue(samples, 'voxie_worker_jobs_total', { worker: 'spawner', ...labels });
    expect(jobs({ outcome: 'accepted', reason: 'accepted' })).toBe(2);
    expect(jobs({ outcome: 'rejected', reason: 'agent_unavailable' })).toBe(1);
  });

  it('counts an active job as running only until its process reports its end', () => {
    const metrics = new WorkerMetrics({ worker: 'spawner', processMetrics: false });
    expect(metrics.runningJobs(['a', 'b'])).toBe(2);
    metrics.jobEnded('a', undefined);
    // The framework may keep listing a finished job (no idle processes): it no longer counts.
    expect(metrics.runningJobs(['a', 'b'])).toBe(1);
    expect(metrics.runningJobs(['a', 'b', 'c'])).toBe(2);
    // Once the framework drops it, the id is forgotten: a later job with that id counts again.
    expect(metrics.runningJobs(['b', 'c'])).toBe(2);
    expect(metrics.runningJobs(['a', 'b', 'c'])).toBe(3);
  });

  it('tracks active sessions and observes durations from start to end', async () => {
    let active = ['a', 'b', 'c'];
    const metrics = new WorkerMetrics({
      worker: 'voxie',
      activeJobIds: () => active,
      processMetrics: false,
    });
    metrics.sessionStarted('a', 1_000);
    metrics.sessionStarted('b', 2_000);
    metrics.sessionStarted('b', 9_000); // duplicate report: the first start counts
    let samples = await scrape(metrics);
    expect(sampleValue(samples, 'voxie_worker_active_sessions')).toBe(2);
    expect(sampleValue(samples, 'voxie_worker_active_jobs')).toBe(3);

    metrics.sessionEnded('a', 'ended', 43_000); // 42 s
    metrics.sessionEnded('b', 'failed', 5_000); // 3 s
    metrics.sessionEnded('b', 'ended', 6_000); // already ended: ignored
    active = [];
    samples = await scrape(metrics);
    expect(sampleValue(samples, 'voxie_worker_active_sessions')).toBe(0);
    expect(sampleValue(samples, 'voxie_worker_active_jobs')).toBe(0);
    const duration = 'voxie_worker_session_duration_seconds';
    expect(sampleValue(samples, `${duration}_count`, { outcome: 'ended' })).toBe(1);
    expect(sampleValue(samples, `${duration}_sum`, { outcome: 'ended' })).toBe(42);
    expect(sampleValue(samples, `${duration}_bucket`, { outcome: 'ended', le: '30' })).toBe(0);
    expect(sampleValue(samples, `${duration}_bucket`, { outcome: 'ended', le: '60' })).toBe(1);
    expect(sampleValue(samples, `${duration}_sum`, { outcome: 'failed' })).toBe(3);
    expect(sampleValue(samples, 'voxie_worker_errors_total', { kind: 'session_failed' })).toBe(1);
  });

  it('keeps a memory series per running job and records its peak when the job ends', async () => {
    const metrics = new WorkerMetrics({ worker: 'spawner', processMetrics: false });
    metrics.jobMemory('j1', 200e6);
    metrics.jobMemory('j2', 300e6);
    metrics.jobMemory('j1', 250e6);
    let samples = await scrape(metrics);
    expect(sampleValue(samples, 'voxie_worker_job_rss_bytes', { job_id: 'j1' })).toBe(250e6);
    expect(sampleValue(samples, 'voxie_worker_job_rss_bytes', { job_id: 'j2' })).toBe(300e6);

    metrics.sessionStarted('j1', 0);
    metrics.jobEnded('j1', 260e6, 10_000); // the session never reported its end: it failed
    samples = await scrape(metrics);
    expect(sampleValue(samples, 'voxie_worker_job_rss_bytes', { job_id: 'j1' })).toBeUndefined();
    expect(sampleValue(samples, 'voxie_worker_job_peak_rss_bytes_count')).toBe(1);
    expect(sampleValue(samples, 'voxie_worker_job_peak_rss_bytes_sum')).toBe(260e6);
    expect(
      sampleValue(samples, 'voxie_worker_session_duration_seconds_count', { outcome: 'failed' }),
    ).toBe(1);
    expect(sampleValue(samples, 'voxie_worker_active_sessions')).toBe(0);
  });

  it('exports process metrics of the worker itself', async () => {
    const metrics = new WorkerMetrics({ worker: 'spawner' });
    const samples = await scrape(metrics);
    expect(sampleValue(samples, 'voxie_worker_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(metrics.contentType).toMatch(/^text\/plain/);
  });
});

describe('parsePrometheusText', () => {
  it('reads names, escaped labels and values, skipping comments', () => {
    expect(
      parsePrometheusText('# HELP x y\n# TYPE x counter\nx{a="1",b="q\\"uote"} 2.5\ny 3\n'),
    ).toEqual([
      { name: 'x', labels: { a: '1', b: 'q"uote' }, value: 2.5 },
      { name: 'y', labels: {}, value: 3 },
    ]);
  });
});
