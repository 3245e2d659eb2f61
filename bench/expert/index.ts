// `pnpm bench expert`: LiveKit expert organizer throughput on a generated 200 MB mixed log, next to
// `wc -l` on the same file in the same run, plus the organizer's peak RSS. Best of 5 runs each.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateLog } from './generate-log.js';

const TARGET_MB = Number(process.env.EXPERT_BENCH_MB ?? 200);
const RUNS = 5;
const runner = fileURLToPath(new URL('./run-organizer.ts', import.meta.url));

interface OrganizerRun {
  seconds: number;
  cpuSeconds: number;
  bytes: number;
  lines: number;
  groups: number;
  problemLines: number;
  peakRssMb: number;
}

function timeWc(file: string): { seconds: number; lines: number } {
  const start = process.hrtime.bigint();
  const run = spawnSync('wc', ['-l', file], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`wc failed: ${run.stderr}`);
  return { seconds, lines: Number.parseInt(run.stdout.trim().split(/\s+/)[0] ?? '0', 10) };
}

function runOrganizer(file: string, out: string): OrganizerRun {
  const run = spawnSync(
    process.execPath,
    ['--conditions=@voxie/source', '--import', 'tsx', runner, file, out],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  if (run.status !== 0) throw new Error(`organizer failed: ${run.stderr}`);
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as OrganizerRun;
}

const dir = mkdtempSync(join(tmpdir(), 'lk-expert-bench-'));
const file = join(dir, 'livekit-mixed.log');
try {
  const genStart = performance.now();
  const generated = generateLog(file, TARGET_MB * 1024 * 1024);
  const genSeconds = (performance.now() - genStart) / 1000;
  const sizeMb = statSync(file).size / 1e6;

  timeWc(file); // warm the page cache so both tools read from memory
  const wcRuns = Array.from({ length: RUNS }, () => timeWc(file));
  const orgRuns = Array.from({ length: RUNS }, (_, i) => runOrganizer(file, join(dir, `out-${i}`)));

  const wcBest = Math.min(...wcRuns.map((r) => r.seconds));
  const orgBest = Math.min(...orgRuns.map((r) => r.seconds));
  const first = orgRuns[0] as OrganizerRun;
  const wcLines = wcRuns[0]?.lines ?? 0;
  if (first.lines !== wcLines)
    throw new Error(`organizer counted ${first.lines} lines, wc ${wcLines}`);

  const mbPerS = sizeMb / orgBest;
  const wcMbPerS = sizeMb / wcBest;
  const peakRssMb = Math.max(...orgRuns.map((r) => r.peakRssMb));
  const ratio = mbPerS / wcMbPerS;

  const rows: Array<[string, string, string]> = [
    [
      'log',
      `${sizeMb.toFixed(1)} MB, ${generated.lines} lines`,
      `generated in ${genSeconds.toFixed(1)} s`,
    ],
    ['wc -l (baseline)', `${(wcBest * 1000).toFixed(1)} ms`, `${wcMbPerS.toFixed(0)} MB/s`],
    ['organizer', `${(orgBest * 1000).toFixed(1)} ms`, `${mbPerS.toFixed(0)} MB/s`],
    [
      'organizer CPU time',
      `${(Math.min(...orgRuns.map((r) => r.cpuSeconds)) * 1000).toFixed(1)} ms`,
      `load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores`,
    ],
    [
      'ratio organizer/wc',
      ratio.toFixed(3),
      ratio >= 0.25 ? 'target >= 0.25 met' : 'target >= 0.25 NOT met',
    ],
    [
      'organizer peak RSS',
      `${peakRssMb.toFixed(1)} MB`,
      peakRssMb < 200 ? 'target < 200 MB met' : 'target < 200 MB NOT met',
    ],
    ['warnings/errors', `${first.problemLines} lines`, `${first.groups} groups`],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`\nLiveKit expert organizer benchmark (best of ${RUNS})`);
  for (const [name, value, note] of rows)
    console.log(`  ${name.padEnd(width)}  ${value.padStart(24)}  ${note}`);
  console.log(
    JSON.stringify({
      bench: 'expert',
      mb_per_s: Math.round(mbPerS),
      wc_mb_per_s: Math.round(wcMbPerS),
      ratio: Number(ratio.toFixed(3)),
      peak_rss_mb: Number(peakRssMb.toFixed(1)),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
