import { randomUUID } from 'node:crypto';
import { initializeLogger } from '@livekit/agents';
import {
  type Database,
  SessionRepository,
  SimulationRepository,
  TranscriptRepository,
} from '@voxie/db';
import { openTestDatabase } from '@voxie/db/testing';
import { ScriptedLLM } from '@voxie/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentDefinition } from '../agent-definition.js';
import { ProviderRegistry } from '../providers/provider-registry.js';
import type { SimulationRunReport } from './batch.js';
import { ChatMessagesRecord } from './jsonl.js';
import type { SimulationConfigInput } from './schemas.js';
import {
  evaluateStoredRun,
  exportSimulationJsonl,
  runStoredSimulation,
} from './stored-simulation.js';

const definition = AgentDefinition.parse({
  schemaVersion: 1,
  name: 'Support',
  instructions: 'You are the support agent of Acme.',
  greeting: { mode: 'wait' },
  llm: { provider: 'openai', model: 'gpt-4.1-mini' },
  stt: { provider: 'deepgram', model: 'nova-3' },
  tts: { provider: 'cartesia', voice: 'v' },
  tools: [
    {
      type: 'http',
      name: 'lookup_account',
      description: 'Look up an account.',
      url: 'http://127.0.0.1:9/accounts',
      parameters: { type: 'object', properties: { run: { type: 'number' } } },
    },
  ],
});

const scenario = {
  name: 'echo-check',
  callerWants: 'To hear its own words back.',
  maxTurns: 3,
  fixtures: [{ tool: 'lookup_account', output: { ok: true } }],
  checks: [{ type: 'tool_called' as const, tool: 'lookup_account' }],
  successCriteria: [{ id: 'helpful', description: 'The agent helps.' }],
};

/**
 * Models of one run: every line carries the run's index, and each side's reply quotes what it
 * just heard, so any text crossing over from another conversation shows up in the transcript.
 * Random small delays interleave the runs.
 */
function modelsFor(runIndex: number) {
  const tag = `run-${runIndex}`;
  const delay = () => Math.floor(Math.random() * 8);
  const caller = new ScriptedLLM([
    { text: `${tag} caller opens`, delayMs: delay() },
    {
      respond: (req) => ({ text: `${tag} caller heard <${req.lastUserText}>` }),
      delayMs: delay(),
      times: 1,
    },
    {
      respond: (req) => ({ text: `${tag} caller done <${req.lastUserText}> [END]` }),
      delayMs: delay(),
    },
  ]);
  const agent = new ScriptedLLM([
    { toolCalls: [{ name: 'lookup_account', args: { run: runIndex } }], delayMs: delay() },
    {
      respond: (req) => ({ text: `${tag} agent heard <${req.lastUserText}>` }),
      delayMs: delay(),
      times: 10,
    },
  ]);
  const judge = new ScriptedLLM([
    { text: '{"verdict":"pass","reason":"helped"}', times: Number.POSITIVE_INFINITY },
  ]);
  return { caller, agent, judge };
}

describe('stored simulations', () => {
  let db: { database: Database; cleanup(): Promise<void> };
  const owner = randomUUID();

  beforeAll(async () => {
    initializeLogger({ pretty: false, level: 'silent' });
    db = await openTestDatabase('agent_core_simulations');
  });
  afterAll(() => db?.cleanup());

  it('runs 50 concurrent conversations without cross-talk and persists every one', async () => {
    const config: SimulationConfigInput = {
      scenarios: [scenario],
      personas: ['calm-customer', 'angry-customer'],
      runs: 25,
      concurrency: 50,
    };
    const simulations = new SimulationRepository(db.database.db);
    const simulation = await simulations.create({ ownerId: owner, mode: 'text', config });
    const progress: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const { reports, summary } = await runStoredSimulation({
      database: db.database,
      simulation,
      definition,
      registry: new ProviderRegistry({}),
      models: (run) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        return modelsFor(run.runIndex);
      },
      onRunFinished: (_report: SimulationRunReport, done: number) => {
        inFlight -= 1;
        progress.push(done);
      },
    });
    expect(reports).toHaveLength(50);
    expect(maxInFlight).toBe(50);
    expect(progress).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(reports.map((r) => r.error).filter(Boolean)).toEqual([]);
    expect(summary).toMatchObject({ runs: 50, passed: 50, errors: 0, passRate: 1 });
    expect(summary.criteria.map((c) => [c.id, c.passRate])).toEqual([
      ['helpful', 1],
      ['tool_called:lookup_account', 1],
    ]);

    const stored = await simulations.get(owner, simulation.id);
    expect(stored?.status).toBe('completed');
    const runs = await simulations.listRuns(owner, simulation.id);
    expect(runs).toHaveLength(50);
    expect(new Set(runs.map((r) => r.persona))).toEqual(
      new Set(['calm-customer', 'angry-customer']),
    );
    const transcripts = new TranscriptRepository(db.database.db);
    const sessionRows = new SessionRepository(db.database.db);
    for (const run of runs) {
      expect(run.status).toBe('passed');
      expect(run.sessionId).toBeTruthy();
      const items = await transcripts.list(owner, run.sessionId ?? '');
      const texts = items.flatMap((item) =>
        item.type === 'message' ? [String((item.content as { text: string }).text)] : [],
      );
      const tag = `run-${run.runIndex}`;
      // Every message is this run's, and every quote inside it too.
      for (const text of texts) {
        expect(text.match(/run-\d+/g)?.every((t) => t === tag)).toBe(true);
      }
      const opens = `${tag} caller opens`;
      const heard = `${tag} agent heard <${opens}>`;
      const callerHeard = `${tag} caller heard <${heard}>`;
      // The caller's closing line ends the run before the agent hears it.
      expect(texts).toEqual([opens, heard, callerHeard, `${tag} agent heard <${callerHeard}>`]);
      expect(
        items
          .filter((i) => i.type === 'function_call')
          .map((i) => (i.content as { arguments: string }).arguments),
      ).toEqual([JSON.stringify({ run: run.runIndex })]);
      expect(run.metrics).toMatchObject({ turns: 2, endReason: 'end_condition' });
      const session = await sessionRows.get(owner, run.sessionId ?? '');
      expect(session).toMatchObject({
        kind: 'simulation',
        status: 'ended',
        endReason: 'simulation_end_condition',
      });
      expect(session?.startedAt).toBeInstanceOf(Date);
    }

    const jsonl = await exportSimulationJsonl(db.database, owner, simulation.id, definition);
    const lines = jsonl.trimEnd().split('\n');
    expect(lines).toHaveLength(50);
    for (const [index, line] of lines.entries()) {
      const record = ChatMessagesRecord.parse(JSON.parse(line));
      expect(record.metadata?.runIndex).toBe(index);
      expect(record.messages.map((m) => m.role)).toEqual([
        'system',
        'user',
        'assistant',
        'tool',
        'assistant',
        'user',
        'assistant',
      ]);
      expect(record.messages[0]).toEqual({
        role: 'system',
        content: 'You are the support agent of Acme.',
      });
      const call = record.messages[2];
      expect(call?.role === 'assistant' && call.tool_calls?.[0]?.function.name).toBe(
        'lookup_account',
      );
    }
    // Another owner exports nothing.
    expect(await exportSimulationJsonl(db.database, randomUUID(), simulation.id)).toBe('');
  }, 120_000);

  it('rejects JSONL whose tool messages answer no call', () => {
    const bad = ChatMessagesRecord.safeParse({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'tool', tool_call_id: 'nope', content: '{}' },
      ],
    });
    expect(bad.success).toBe(false);
    expect(
      ChatMessagesRecord.safeParse({ messages: [{ role: 'robot', content: 'x' }] }).success,
    ).toBe(false);
  });

  it('room mode: judges each run from the transcript its agent side stored, then closes the simulation', async () => {
    const simulations = new SimulationRepository(db.database.db);
    const simulation = await simulations.create({
      ownerId: owner,
      mode: 'room',
      config: {
        scenarios: [
          {
            name: 'voice-refund',
            callerWants: 'A refund.',
            successCriteria: [{ id: 'refunds', description: 'The agent refunds.' }],
            checks: [{ type: 'tool_called', tool: 'lookup_account' }],
          },
        ],
        personas: ['calm-customer'],
        runs: 2,
      },
    });
    await simulations.planRuns(simulation.id, owner, [
      { runIndex: 0, scenario: 'voice-refund', persona: 'calm-customer' },
      { runIndex: 1, scenario: 'voice-refund', persona: 'calm-customer' },
    ]);
    const sessions = new SessionRepository(db.database.db);
    const transcripts = new TranscriptRepository(db.database.db);
    for (const runIndex of [0, 1]) {
      const session = await sessions.create({
        ownerId: owner,
        kind: 'simulation',
        roomName: `sim-${simulation.id}-${runIndex}`,
      });
      await simulations.startRun(simulation.id, runIndex, session.id);
      // What the agent side's recorder stores in a room: the caller's speech as user messages.
      await transcripts.append(session.id, [
        { type: 'message', role: 'user', content: { text: 'I was charged twice.' } },
        ...(runIndex === 0
          ? [
              {
                type: 'function_call' as const,
                content: { name: 'lookup_account', arguments: '{}', callId: 'c1' },
              },
              {
                type: 'function_call_output' as const,
                content: { name: 'lookup_account', output: '{}', callId: 'c1' },
              },
            ]
          : []),
        { type: 'message', role: 'assistant', content: { text: 'Refunded.' } },
        { type: 'message', role: 'user', content: { text: 'Thanks, bye [END]' } },
      ]);
    }
    const judge = () =>
      new ScriptedLLM([
        { text: '{"verdict":"pass","reason":"refunded"}', times: Number.POSITIVE_INFINITY },
      ]);
    const first = await evaluateStoredRun({
      database: db.database,
      ownerId: owner,
      simulationId: simulation.id,
      runIndex: 0,
      judge: judge(),
      endReason: 'end_condition',
    });
    expect(first).toMatchObject({ status: 'passed', metrics: { turns: 2 } });
    expect((await simulations.get(owner, simulation.id))?.status).toBe('queued');

    const second = await evaluateStoredRun({
      database: db.database,
      ownerId: owner,
      simulationId: simulation.id,
      runIndex: 1,
      judge: judge(),
      endReason: 'end_condition',
    });
    expect(second?.status).toBe('failed');
    expect(second?.verdicts.map((v) => [v.id, v.passed])).toEqual([
      ['refunds', true],
      ['tool_called:lookup_account', false],
    ]);
    const done = await simulations.get(owner, simulation.id);
    expect(done?.status).toBe('completed');
    expect(done?.summary).toMatchObject({ runs: 2, passed: 1, failed: 1, passRate: 0.5 });
  });

  it('a simulation stopped from outside ends as cancelled, its runs cut at the time limit', async () => {
    const simulations = new SimulationRepository(db.database.db);
    const simulation = await simulations.create({
      ownerId: owner,
      mode: 'text',
      config: {
        scenarios: [{ ...scenario, checks: [], successCriteria: [] }],
        personas: ['calm-customer'],
        runs: 2,
      },
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const { reports } = await runStoredSimulation({
      database: db.database,
      simulation,
      definition,
      registry: new ProviderRegistry({}),
      signal: controller.signal,
      models: () => ({
        caller: new ScriptedLLM([{ text: 'Hello?', times: Number.POSITIVE_INFINITY }]),
        agent: new ScriptedLLM([{ text: 'Thinking...', delayMs: 10_000 }]),
      }),
    });
    expect(reports.map((r) => r.metrics?.endReason)).toEqual(['time_limit', 'time_limit']);
    expect((await simulations.get(owner, simulation.id))?.status).toBe('cancelled');
  });
});
