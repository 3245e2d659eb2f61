// Child process of `pnpm bench spawner`: RSS of N idle text sessions of a stored-agent
// definition (started, greeted, waiting for the caller), measured against this fresh process.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { initializeLogger, type voice } from '@livekit/agents';
import { AgentDefinition, buildAgent, ProviderRegistry } from '@voxie/agent-core';
import { ScriptedLLM } from '@voxie/testkit';

const count = Number(process.argv[2] ?? 300);
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
initializeLogger({ pretty: false, level: 'silent' });

const definition = AgentDefinition.parse({
  schemaVersion: 1,
  name: 'Idle',
  instructions: `You are an idle bench agent. ${'Be concise and helpful. '.repeat(40)}`,
  greeting: { mode: 'say', text: 'Hello!' },
  llm: { provider: 'openai', model: 'gpt-4.1-mini' },
  stt: { provider: 'deepgram', model: 'nova-3' },
  tts: { provider: 'cartesia', voice: 'v' },
  tools: [{ type: 'end_call' }],
});
const registry = new ProviderRegistry({});
const sessions: voice.AgentSession[] = [];

async function startSessions(n: number): Promise<void> {
  const greetings: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const built = buildAgent(definition, {
      registry,
      mode: 'text',
      llm: new ScriptedLLM([{ text: 'unused', times: Number.POSITIVE_INFINITY }]),
    });
    const session = built.createSession();
    await session.start({ agent: built.agent });
    const greeting = built.greet(session);
    if (greeting) greetings.push(greeting.waitForPlayout());
    sessions.push(session);
  }
  await Promise.all(greetings);
}

async function settle(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return process.memoryUsage();
}

await startSessions(2); // module-level and first-use costs are not a session's
const before = await settle();
await startSessions(count);
const after = await settle();
const mb = (bytes: number) => bytes / count / 1024 / 1024;
console.log(
  JSON.stringify({
    sessions: count,
    rssMb: mb(Math.max(0, after.rss - before.rss)),
    heapMb: mb(after.heapUsed - before.heapUsed),
    baselineRssMb: before.rss / 1024 / 1024,
  }),
);
process.exit(0);
