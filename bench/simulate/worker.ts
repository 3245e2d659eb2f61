// One measurement in a fresh process: `worker.ts <engine|baseline> <conversations> <turns>`.
// Prints one JSON line: LLM replies, wall time, and RSS above the idle process at the peak.
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { initializeLogger, voice } from '@livekit/agents';
import {
  AgentDefinition,
  Persona,
  type PlannedSimulationRun,
  ProviderRegistry,
  runSimulationBatch,
  Scenario,
} from '@voxie/agent-core';
import { ScriptedLLM } from '@voxie/testkit';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
initializeLogger({ pretty: false, level: 'silent' });

const [mode = 'engine', conversationsArg = '100', turnsArg = '10'] = process.argv.slice(2);
const CONVERSATIONS = Number(conversationsArg);
/** Agent replies per conversation; the caller answers all but the last. */
const TURNS = Number(turnsArg);

/** A zero-latency scripted model that always answers the same line; keeps one request. */
const model = (text: string) =>
  new ScriptedLLM([{ text, times: Number.POSITIVE_INFINITY }], { maxRecordedRequests: 1 });

const definition = AgentDefinition.parse({
  schemaVersion: 1,
  name: 'Bench agent',
  instructions: 'You are a support agent.',
  greeting: { mode: 'wait' },
  llm: { provider: 'openai', model: 'gpt-4.1-mini' },
  stt: { provider: 'deepgram', model: 'nova-3' },
  tts: { provider: 'cartesia', voice: 'v' },
});
const scenario = Scenario.parse({
  name: 'bench',
  callerWants: 'To keep talking.',
  opening: 'Hello, I have a question about my bill.',
  maxTurns: TURNS,
  timeLimitSeconds: 3600,
  endConditions: [],
  checks: [{ type: 'max_turns', turns: TURNS }],
});
const persona = Persona.parse({
  name: 'bench-caller',
  displayName: 'Bench',
  background: 'A caller.',
  goal: 'Talk.',
});
const registry = new ProviderRegistry({});

interface Conversations {
  models: ScriptedLLM[];
  run(): Promise<void>;
}

/** Our engine: planned runs through runSimulationBatch (recorders, end checks, evaluation). */
function engine(count: number): Conversations {
  const models: ScriptedLLM[] = [];
  const runs: PlannedSimulationRun[] = Array.from({ length: count }, (_, runIndex) => ({
    runIndex,
    scenario,
    persona,
  }));
  return {
    models,
    async run() {
      const { summary } = await runSimulationBatch({
        definition,
        runs,
        registry,
        concurrency: count,
        models: () => {
          const caller = model('Could you explain that line of the bill again?');
          const agent = model('Sure, that line is the monthly service fee.');
          models.push(caller, agent);
          return { caller, agent };
        },
      });
      if (summary.passed !== count) throw new Error(`runs failed: ${JSON.stringify(summary)}`);
    },
  };
}

/** The bare baseline: two plain sessions, each one's text output → generateReply on the other. */
function baseline(count: number): Conversations {
  const models: ScriptedLLM[] = [];
  const one = async () => {
    const callerModel = model('Could you explain that line of the bill again?');
    const agentModel = model('Sure, that line is the monthly service fee.');
    models.push(callerModel, agentModel);
    const options = { vad: null, turnHandling: { turnDetection: null }, userAwayTimeout: null };
    const agent = new voice.AgentSession({ ...options, llm: agentModel });
    const caller = new voice.AgentSession({ ...options, llm: callerModel });
    const lastText = new Map<voice.AgentSession, string>();
    for (const session of [agent, caller]) {
      session.on(voice.AgentSessionEventTypes.ConversationItemAdded, (event) => {
        const item = event.item;
        if (item.type === 'message' && item.role === 'assistant') {
          lastText.set(session, item.textContent ?? '');
        }
      });
    }
    await agent.start({ agent: new voice.Agent({ instructions: 'You are a support agent.' }) });
    await caller.start({ agent: new voice.Agent({ instructions: 'You are a caller.' }) });
    let text = 'Hello, I have a question about my bill.';
    for (let turn = 1; turn <= TURNS; turn += 1) {
      await agent.generateReply({ userInput: text }).waitForPlayout();
      text = lastText.get(agent) ?? '';
      if (turn === TURNS) break;
      await caller.generateReply({ userInput: text }).waitForPlayout();
      text = lastText.get(caller) ?? '';
    }
    await Promise.all([agent.close(), caller.close()]);
  };
  return {
    models,
    async run() {
      await Promise.all(Array.from({ length: count }, one));
    },
  };
}

const build = mode === 'baseline' ? baseline : engine;

// Warm up (module init, JIT) with a few conversations, then measure from a settled heap.
await build(4).run();
gc();
await new Promise((resolve) => setTimeout(resolve, 50));
gc();
const idleRss = process.memoryUsage().rss;
let peakRss = idleRss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 5);

const measured = build(CONVERSATIONS);
const started = performance.now();
const cpuBefore = process.cpuUsage();
await measured.run();
const cpu = process.cpuUsage(cpuBefore);
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

const replies = measured.models.reduce((sum, m) => sum + m.requestCount, 0);
const expected = CONVERSATIONS * (2 * TURNS - 1);
if (replies !== expected) throw new Error(`expected ${expected} LLM replies, got ${replies}`);
console.log(
  JSON.stringify({
    mode,
    conversations: CONVERSATIONS,
    replies,
    seconds,
    turnsPerS: replies / seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    idleRssMb: idleRss / 2 ** 20,
    peakRssMb: peakRss / 2 ** 20,
    mbPerConversation: (peakRss - idleRss) / 2 ** 20 / CONVERSATIONS,
  }),
);
process.exit(0);
