// `pnpm bench spawner [jobs]`: how fast the spawner turns a dispatch into a ready agent.
//
// One "job" = the accept decision (room name + dispatch metadata → agent id → published version
// → provider check → accept) followed by building the agent (definition → voice.Agent + session
// options, the voice pipeline with the process-wide VAD). Cold jobs load the agent from the local
// Postgres (cache emptied before each job); warm jobs hit the in-process cache. Baselines from
// the same run: one agent-row lookup (AgentRepository.get) on the same pool (cold) and a bare `new voice.Agent` (warm).
// Then the memory one idle text session costs, averaged over several sessions.
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { initializeLogger, voice } from '@livekit/agents';
import {
  type AgentDefinitionInput,
  buildAgent,
  createAgentLoader,
  ProviderRegistry,
  PublishedAgentCache,
} from '@voxie/agent-core';
import { AgentRepository, createDatabase, migrateDatabase } from '@voxie/db';
import { evaluateJob } from '@voxie/spawner';
import { createTestPostgresDatabase } from '@voxie/testkit';

const JOBS = Number(process.argv[2] ?? 1000);
const AGENTS = 50;
const IDLE_SESSIONS = 300;
const TARGETS = { warmP99: 5, coldP99: 25 };

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
initializeLogger({ pretty: false, level: 'silent' });

function percentile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}
const round = (n: number, digits = 3) => Number(n.toFixed(digits));

/** Runs idle-sessions.ts in a child process (same loader flags) and reads its JSON line. */
function measureIdleSessions(): {
  sessions: number;
  rssMb: number;
  heapMb: number;
  baselineRssMb: number;
} {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, join(import.meta.dirname, 'idle-sessions.ts'), String(IDLE_SESSIONS)],
    { encoding: 'utf8' },
  );
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !line.startsWith('{')) {
    throw new Error(`idle session measurement failed: ${child.stderr || child.stdout}`);
  }
  return JSON.parse(line);
}

function definitionFor(index: number): AgentDefinitionInput {
  return {
    schemaVersion: 1,
    name: `Bench agent ${index}`,
    instructions: `You are bench agent ${index}. ${'Be concise and helpful. '.repeat(40)}`,
    greeting: { mode: 'say', text: 'Hello!' },
    llm: { provider: 'openai', model: 'gpt-4.1-mini', temperature: 0.5 },
    stt: { provider: 'deepgram', model: 'nova-3' },
    tts: { provider: 'cartesia', voice: 'voice-id', model: 'sonic-2' },
    tools: [
      {
        type: 'http',
        name: 'lookup_order',
        description: 'Look up an order.',
        method: 'GET',
        url: 'https://api.example.com/orders/{orderId}',
        parameters: {
          type: 'object',
          properties: { orderId: { type: 'string' }, verbose: { type: 'boolean' } },
          required: ['orderId'],
        },
        headers: { Authorization: { secret: 'orders_token', prefix: 'Bearer ' } },
      },
      { type: 'end_call' },
    ],
  };
}

const server = await createTestPostgresDatabase('bench_spawner');
const database = await createDatabase({ url: server.url, poolMax: 4 });
try {
  await migrateDatabase(database);
  const repo = new AgentRepository(database.db);
  const owner = randomUUID();
  const agentIds: string[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const agent = await repo.create({
      ownerId: owner,
      name: `Bench ${i}`,
      draft: definitionFor(i),
    });
    await repo.publish(owner, agent.id);
    agentIds.push(agent.id);
  }

  const keys = { openaiApiKey: 'sk-bench', deepgramApiKey: 'dg-bench', cartesiaApiKey: 'ct-bench' };
  const registry = new ProviderRegistry(keys);
  const vad = await registry.loadVad();
  const cache = new PublishedAgentCache({
    load: createAgentLoader(database, keys),
    ttlMs: 600_000,
  });

  const jobFacts = (i: number) => {
    const agentId = agentIds[i % AGENTS] ?? '';
    return {
      roomName: `agent-${agentId}-${randomBytes(6).toString('hex')}`,
      dispatchMetadata: JSON.stringify({ agentId, sessionId: randomUUID() }),
    };
  };

  async function runJob(i: number): Promise<number> {
    const facts = jobFacts(i);
    const started = performance.now();
    const { decision, agent } = await evaluateJob(facts, cache);
    if (!decision.accept || !agent?.definition) throw new Error(`job ${i} rejected`);
    const built = buildAgent(agent.definition, { registry, mode: 'voice', vad });
    const elapsed = performance.now() - started;
    if (!built.agent) throw new Error('no agent');
    return elapsed;
  }

  // Memory of idle text sessions, in a fresh process so their growth shows in its RSS.
  const memory = measureIdleSessions();
  const loaded = await cache.get(agentIds[0] ?? '');
  if (!loaded?.definition) throw new Error('bench agent missing');

  // Warm-up: JIT, connection pool, plugin module init.
  for (let i = 0; i < 100; i++) {
    cache.clear();
    await runJob(i);
  }

  const cold: number[] = [];
  for (let i = 0; i < JOBS; i++) {
    cache.clear();
    cold.push(await runJob(i));
  }
  gc();
  const warm: number[] = [];
  for (let i = 0; i < JOBS; i++) warm.push(await runJob(i));
  if (process.env.BENCH_DEBUG)
    console.log(
      'slowest warm',
      [...warm]
        .sort((a, b) => b - a)
        .slice(0, 15)
        .map((v) => v.toFixed(2))
        .join(' '),
    );

  const coldBaseline: number[] = [];
  for (let i = 0; i < JOBS; i++) {
    const started = performance.now();
    await repo.get(owner, agentIds[i % AGENTS] ?? '');
    coldBaseline.push(performance.now() - started);
  }
  // The same voice pipeline built by hand from constants (what a hard-coded agent costs).
  const settings = loaded.definition;
  const warmBaseline: number[] = [];
  for (let i = 0; i < JOBS; i++) {
    const started = performance.now();
    const session = {
      llm: registry.createLlm(settings.llm),
      stt: registry.createStt(settings.stt, 'en'),
      tts: registry.createTts(settings.tts, 'en'),
      turnDetection: registry.createTurnDetector(),
      vad,
    };
    new voice.Agent({ instructions: settings.instructions });
    warmBaseline.push(performance.now() - started);
    if (!session.llm) throw new Error('unreachable');
  }

  const figures = {
    warm_p50_ms: round(percentile(warm, 0.5)),
    warm_p99_ms: round(percentile(warm, 0.99)),
    cold_p50_ms: round(percentile(cold, 0.5)),
    cold_p99_ms: round(percentile(cold, 0.99)),
    session_rss_mb: round(memory.rssMb, 2),
  };
  const baseline = {
    cold_p50: percentile(coldBaseline, 0.5),
    cold_p99: percentile(coldBaseline, 0.99),
    warm_p50: percentile(warmBaseline, 0.5),
    warm_p99: percentile(warmBaseline, 0.99),
  };
  const row = (label: string, p50: number, p99: number, b50: number, b99: number, target: string) =>
    `${label.padEnd(34)} ${p50.toFixed(3).padStart(8)} ${p99.toFixed(3).padStart(8)}   ${b50
      .toFixed(3)
      .padStart(
        8,
      )} ${b99.toFixed(3).padStart(8)}   ${(p99 / Math.max(b99, 1e-6)).toFixed(1).padStart(6)}x   ${target}`;
  console.log(
    `spawner bench: ${JOBS} jobs per series over ${AGENTS} published agents (local Postgres); load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${cpus().length} cores`,
  );
  console.log(
    `${'series'.padEnd(34)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}   ${'base p50'.padStart(8)} ${'base p99'.padStart(8)}   ${'p99/base'.padStart(7)}   target`,
  );
  console.log(
    row(
      'warm: accept + build (cache hit)',
      figures.warm_p50_ms,
      figures.warm_p99_ms,
      baseline.warm_p50,
      baseline.warm_p99,
      `p99 < ${TARGETS.warmP99} ms ${figures.warm_p99_ms < TARGETS.warmP99 ? 'ok' : 'MISSED'}`,
    ),
  );
  console.log(
    row(
      'cold: accept + build (Postgres)',
      figures.cold_p50_ms,
      figures.cold_p99_ms,
      baseline.cold_p50,
      baseline.cold_p99,
      `p99 < ${TARGETS.coldP99} ms ${figures.cold_p99_ms < TARGETS.coldP99 ? 'ok' : 'MISSED'}`,
    ),
  );
  console.log(
    'baselines: warm = the same plugins + voice.Agent built by hand (no decision, cache or tools); cold = one agent-row lookup (AgentRepository.get) on the same pool',
  );
  console.log(
    `idle text session: ${figures.session_rss_mb.toFixed(2)} MB RSS each (${memory.heapMb.toFixed(2)} MB of JS heap; average of ${memory.sessions} in a fresh process, after GC; process baseline ${memory.baselineRssMb.toFixed(0)} MB)`,
  );
  console.log(JSON.stringify({ bench: 'spawner', ...figures }));
} finally {
  await database.close();
  await server.drop();
}
