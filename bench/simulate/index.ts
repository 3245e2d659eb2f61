// `pnpm bench simulate [conversations] [turns] [rounds]`: simulated conversations per second.
//
// 100 concurrent text-mode simulations (caller + agent under test, zero-latency scripted LLMs,
// `turns` agent replies each) through runSimulationBatch — recorders on both sides, end-condition
// checks, evaluation — next to the bare baseline measured in the same run: two plain
// AgentSessions per conversation, one's text output fed to the other's generateReply, nothing
// else. Each measurement runs in a fresh process (worker.ts) so memory figures are its own;
// rounds alternate baseline/engine and the best round of each counts (the machine is shared).
// A "turn" is one LLM reply by either side. Memory = peak RSS above the warmed-up idle process,
// divided by the number of concurrent conversations.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

const CONVERSATIONS = Number(process.argv[2] ?? 100);
const TURNS = Number(process.argv[3] ?? 10);
const ROUNDS = Number(process.argv[4] ?? 3);
const TARGETS = { ratio: 0.75, mbPerConversation: 6 };

interface Measurement {
  mode: string;
  conversations: number;
  replies: number;
  seconds: number;
  turnsPerS: number;
  cpuSeconds: number;
  idleRssMb: number;
  peakRssMb: number;
  mbPerConversation: number;
}

function measure(mode: 'engine' | 'baseline'): Measurement {
  const child = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      join(import.meta.dirname, 'worker.ts'),
      mode,
      String(CONVERSATIONS),
      String(TURNS),
    ],
    { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 },
  );
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !line.startsWith('{')) {
    throw new Error(`${mode} measurement failed: ${child.stderr || child.stdout}`);
  }
  return JSON.parse(line) as Measurement;
}

const engines: Measurement[] = [];
const baselines: Measurement[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  baselines.push(measure('baseline'));
  engines.push(measure('engine'));
}
console.log(
  `rounds (turns/s): baseline ${baselines.map((m) => m.turnsPerS.toFixed(0)).join(', ')}; engine ${engines
    .map((m) => m.turnsPerS.toFixed(0))
    .join(', ')}`,
);
const best = (runs: Measurement[]) => runs.reduce((a, b) => (b.turnsPerS > a.turnsPerS ? b : a));
const engine = best(engines);
const baseline = best(baselines);
const round = (n: number, digits = 2) => Number(n.toFixed(digits));
const ratio = engine.turnsPerS / baseline.turnsPerS;
const mbPerConversation = Math.max(...engines.map((e) => e.mbPerConversation));

const rows = [
  ['', 'turns/s', 'replies', 'seconds', 'CPU s', 'peak RSS MB', 'MB/conversation'],
  ...[
    ['baseline (2 bare sessions)', baseline],
    ['simulation engine', engine],
  ].map(([name, m]) => {
    const x = m as Measurement;
    return [
      name as string,
      String(round(x.turnsPerS, 1)),
      String(x.replies),
      String(round(x.seconds)),
      String(round(x.cpuSeconds)),
      String(round(x.peakRssMb, 1)),
      String(round(x.mbPerConversation)),
    ];
  }),
];
const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
console.log(
  `simulate: ${CONVERSATIONS} concurrent conversations × ${TURNS} agent turns, zero-latency scripted LLMs; best of ${ROUNDS} round(s) each; ${cpus().length} CPUs, load ${loadavg()[0]?.toFixed(2)}`,
);
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
console.log(
  `ratio ${round(ratio, 3)} (target ≥ ${TARGETS.ratio}) ${ratio >= TARGETS.ratio ? 'OK' : 'MISSED'}; ` +
    `${round(mbPerConversation)} MB RSS per conversation, worst round (target ≤ ${TARGETS.mbPerConversation}) ${
      mbPerConversation <= TARGETS.mbPerConversation ? 'OK' : 'MISSED'
    }`,
);
console.log(
  JSON.stringify({
    bench: 'simulate',
    conversations: CONVERSATIONS,
    turns_per_conversation: 2 * TURNS - 1,
    turns_per_s: round(engine.turnsPerS, 1),
    baseline_turns_per_s: round(baseline.turnsPerS, 1),
    ratio: round(ratio, 3),
    mb_per_conversation: round(mbPerConversation),
    cpu_ratio: round(baseline.cpuSeconds / engine.cpuSeconds, 3),
    baseline_mb_per_conversation: round(baseline.mbPerConversation),
  }),
);
