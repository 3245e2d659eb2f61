import { existsSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { WorkerMetrics } from './worker-metrics.js';

/**
 * LiveKit's framework runs every job in a child process of the worker, so the facts a worker's
 * metrics need (a session started or ended, how it ended, how much memory the job uses) happen
 * in the children while `/metrics` is served by the parent. Each job process reports them over
 * a Unix socket the worker listens on; the socket's path derives from the worker's pid, which
 * the child knows as `process.ppid`, so nothing has to be passed through the framework.
 */
export const JobReport = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session_started'), jobId: z.string(), at: z.number() }),
  z.object({
    type: z.literal('session_ended'),
    jobId: z.string(),
    outcome: z.enum(['ended', 'failed']),
    at: z.number(),
  }),
  z.object({ type: z.literal('error'), jobId: z.string(), kind: z.string().max(64) }),
  z.object({ type: z.literal('memory'), jobId: z.string(), rssBytes: z.number().nonnegative() }),
  z.object({
    type: z.literal('job_ended'),
    jobId: z.string(),
    peakRssBytes: z.number().nonnegative(),
    at: z.number(),
  }),
]);
export type JobReport = z.infer<typeof JobReport>;

/** Where the worker (agent name `worker`, process `workerPid`) listens for its jobs' reports. */
export function jobReportSocketPath(workerPid: number, worker: string): string {
  return join(tmpdir(), `voxie-worker-${workerPid}-${worker.replace(/[^A-Za-z0-9_-]/g, '_')}.sock`);
}

export interface JobReportListener {
  path: string;
  close(): Promise<void>;
}

/**
 * Listens for job-process reports and applies them to `metrics`. A connection that closes
 * without `job_ended` (the job process crashed or was killed) ends its job as failed.
 * Malformed lines are counted as `report_invalid` errors and otherwise ignored.
 */
export async function listenForJobReports(
  metrics: WorkerMetrics,
  path = jobReportSocketPath(process.pid, metrics.worker),
): Promise<JobReportListener> {
  // A socket file left by a crashed worker with the same pid would make listen() fail.
  if (existsSync(path)) unlinkSync(path);
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const jobs = new Map<string, number>();
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
        apply(line, jobs);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      for (const [jobId, peak] of jobs) metrics.jobEnded(jobId, peak);
    });
  });

  function apply(line: string, jobs: Map<string, number>): void {
    let parsed: ReturnType<typeof JobReport.safeParse>;
    try {
      parsed = JobReport.safeParse(JSON.parse(line));
    } catch {
      metrics.error('report_invalid');
      return;
    }
    if (!parsed.success) {
      metrics.error('report_invalid');
      return;
    }
    const report = parsed.data;
    switch (report.type) {
      case 'session_started':
        jobs.set(report.jobId, jobs.get(report.jobId) ?? 0);
        metrics.sessionStarted(report.jobId, report.at);
        break;
      case 'session_ended':
        metrics.sessionEnded(report.jobId, report.outcome, report.at);
        break;
      case 'error':
        jobs.set(report.jobId, jobs.get(report.jobId) ?? 0);
        metrics.error(report.kind);
        break;
      case 'memory':
        jobs.set(report.jobId, Math.max(jobs.get(report.jobId) ?? 0, report.rssBytes));
        metrics.jobMemory(report.jobId, report.rssBytes);
        break;
      case 'job_ended':
        jobs.delete(report.jobId);
        metrics.jobEnded(report.jobId, report.peakRssBytes, report.at);
        break;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.end();
        server.close(() => resolve());
      }),
  };
}

/** What a job process reports about its job. Every method is safe when no worker listens. */
export interface JobReporter {
  sessionStarted(): void;
  sessionEnded(outcome: 'ended' | 'failed'): void;
  error(kind: string): void;
  /** Sends the final memory figure and `job_ended`, then disconnects. Idempotent. */
  close(): Promise<void>;
}

export interface JobReporterOptions {
  /** The worker's agent name (`spawner`, `voxie`); finds its socket in the parent process. */
  worker?: string;
  /** Default: the socket of this process's parent (the worker) for `worker`. */
  socketPath?: string;
  /** How often the job's resident memory is sampled (default 5 s). */
  memoryIntervalMs?: number;
}

/**
 * Connects a job process to its worker's report socket. When nothing listens there (the
 * console, a test running a session in-process) reports are silently dropped.
 */
export function connectJobReporter(jobId: string, options: JobReporterOptions = {}): JobReporter {
  const socket = createConnection(
    options.socketPath ?? jobReportSocketPath(process.ppid, options.worker ?? 'worker'),
  );
  let usable = true;
  socket.on('error', () => {
    usable = false;
  });
  socket.unref();
  const send = (report: JobReport) => {
    if (usable && !socket.destroyed) socket.write(`${JSON.stringify(report)}\n`);
  };

  let peak = 0;
  const sample = () => {
    const rssBytes = process.memoryUsage.rss();
    peak = Math.max(peak, rssBytes);
    send({ type: 'memory', jobId, rssBytes });
  };
  sample();
  const timer = setInterval(sample, options.memoryIntervalMs ?? 5_000);
  timer.unref();

  let closing: Promise<void> | undefined;
  return {
    sessionStarted: () => send({ type: 'session_started', jobId, at: Date.now() }),
    sessionEnded: (outcome) => send({ type: 'session_ended', jobId, outcome, at: Date.now() }),
    error: (kind) => send({ type: 'error', jobId, kind }),
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        sample();
        send({ type: 'job_ended', jobId, peakRssBytes: peak, at: Date.now() });
        if (!usable || socket.destroyed) {
          socket.destroy();
          return;
        }
        // The socket is unref'd so an idle reporter never holds a job process open; the final
        // reports must still go out.
        socket.ref();
        await new Promise<void>((resolve) => {
          const done = () => resolve();
          socket.once('close', done);
          socket.once('error', done);
          socket.end();
        });
      })();
      return closing;
    },
  };
}
