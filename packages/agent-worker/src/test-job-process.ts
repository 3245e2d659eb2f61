// A stand-in job process for job-reports.test.ts: reports like a LiveKit job process would.
import { connectJobReporter } from './job-reports.js';

const [jobId = 'job', mode = 'ok'] = process.argv.slice(2);
const reporter = connectJobReporter(jobId, { worker: 'spawner', memoryIntervalMs: 20 });
reporter.sessionStarted();
// Hold some memory so the peak is visibly above the baseline.
const ballast = Buffer.alloc(32 * 1024 * 1024, 1);
await new Promise((resolve) => setTimeout(resolve, 300));
if (mode === 'crash') process.exit(3);
reporter.error('tool_failed');
reporter.sessionEnded('ended');
await reporter.close();
process.stdout.write(`done ${ballast.length}\n`);
