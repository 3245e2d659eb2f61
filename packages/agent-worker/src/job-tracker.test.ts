import { describe, expect, it } from 'vitest';
import type { JobReporter } from './job-reports.js';
import { JobTracker } from './job-tracker.js';

function recordingReporter() {
  const calls: string[] = [];
  const reporter: JobReporter = {
    sessionStarted: () => calls.push('started'),
    sessionEnded: (outcome) => calls.push(`ended:${outcome}`),
    error: (kind) => calls.push(`error:${kind}`),
    close: async () => {
      calls.push('closed');
    },
  };
  return { calls, reporter };
}

describe('JobTracker', () => {
  it('reports the session end before closing, even when close is called first', async () => {
    const { calls, reporter } = recordingReporter();
    const tracker = new JobTracker('j', { reporter });
    let end: (reason: string) => void = () => {};
    tracker.session(new Promise<string>((resolve) => (end = resolve)));
    const closed = tracker.close();
    setTimeout(() => end('user_initiated'), 20);
    await closed;
    expect(calls).toEqual(['started', 'ended:ended', 'closed']);
  });

  it('counts an error close or a rejected session as failed, and job failures as errors', async () => {
    const error = recordingReporter();
    const failing = new JobTracker('a', { reporter: error.reporter });
    failing.session(Promise.resolve('error'));
    await failing.close();
    expect(error.calls).toEqual(['started', 'ended:failed', 'closed']);

    const rejected = recordingReporter();
    const broken = new JobTracker('b', { reporter: rejected.reporter });
    broken.session(Promise.reject(new Error('boom')));
    await broken.close();
    expect(rejected.calls).toEqual(['started', 'ended:failed', 'closed']);

    const failed = recordingReporter();
    const job = new JobTracker('c', { reporter: failed.reporter });
    job.failed();
    await job.close();
    expect(failed.calls).toEqual(['error:job_failed', 'closed']);
  });

  it('does not wait forever for a session that never ends', async () => {
    const { calls, reporter } = recordingReporter();
    const tracker = new JobTracker('j', { reporter });
    tracker.session(new Promise<string>(() => {}));
    await tracker.close(30);
    expect(calls).toEqual(['started', 'closed']);
  });
});
