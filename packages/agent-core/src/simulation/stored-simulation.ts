import type { llm } from '@livekit/agents';
import { formatSimulationRoomName } from '@voxie/config';
import {
  type Database,
  SessionRecordingRepository,
  type Simulation,
  SimulationRepository,
  TranscriptRepository,
} from '@voxie/db';
import type { AgentDefinition } from '../agent-definition.js';
import { createDatabaseSink } from '../database-sink.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { ToolRuntime } from '../tools/tool-registry.js';
import { systemPromptOf } from './agent-under-test.js';
import {
  type PlannedSimulationRun,
  planSimulationRuns,
  runSimulationBatch,
  type SimulationModels,
  type SimulationRunReport,
  type SimulationStore,
  type SimulationSummary,
  summarizeRuns,
} from './batch.js';
import { evaluateRun } from './evaluation.js';
import { type ChatMessagesRecord, toChatMessages, toJsonlLine } from './jsonl.js';
import { SimulationConfig } from './schemas.js';
import type {
  SimulationEndReason,
  SimulationItem,
  TextSimulationResult,
} from './text-simulation.js';

/** What a stored simulation is about (the row's ids). */
export interface StoredSimulationRef {
  id: string;
  ownerId: string;
  agentId?: string | null;
  agentVersionId?: string | null;
}

/**
 * A {@link SimulationStore} on the database: each run gets a `simulation` session named
 * `sim-{id}-{run}` (reused when the run is retried) that holds its transcript, and the run row
 * gets its status, verdicts and metrics.
 */
export function createDatabaseSimulationStore(
  database: Pick<Database, 'db'>,
  simulation: StoredSimulationRef,
): SimulationStore {
  const recording = new SessionRecordingRepository(database.db);
  const simulations = new SimulationRepository(database.db);
  const sink = createDatabaseSink(database);
  return {
    async startRun(run) {
      const roomName = formatSimulationRoomName(simulation.id, run.runIndex);
      // Upsert by room name: a retried run records into the same session.
      const session = await recording.start({
        ownerId: simulation.ownerId,
        kind: 'simulation',
        roomName,
        agentId: simulation.agentId ?? undefined,
        agentVersionId: simulation.agentVersionId ?? undefined,
      });
      await simulations.startRun(simulation.id, run.runIndex, session.id);
      return { sessionId: session.id, sink };
    },
    async finishRun(run, report) {
      await simulations.finishRun(simulation.id, run.runIndex, {
        status: report.status,
        passed: report.passed,
        verdicts: report.verdicts,
        metrics: report.metrics,
        error: report.error,
      });
    },
  };
}

export interface RunStoredSimulationOptions {
  database: Pick<Database, 'db'>;
  simulation: Pick<Simulation, 'id' | 'ownerId' | 'agentId' | 'agentVersionId' | 'config'>;
  definition: AgentDefinition;
  registry: ProviderRegistry;
  /** Default: caller and judge from the config's `callerLlm`/`judgeLlm`, else the agent's LLM. */
  models?: (run: PlannedSimulationRun) => SimulationModels;
  tools?: ToolRuntime;
  onRunFinished?: (report: SimulationRunReport, done: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * Runs a stored simulation in text mode: plans its runs (idempotently), runs those not finished
 * yet with the config's concurrency, stores every run and closes the simulation with a summary.
 */
export async function runStoredSimulation(
  options: RunStoredSimulationOptions,
): Promise<{ reports: SimulationRunReport[]; summary: SimulationSummary }> {
  const { simulation, definition, registry } = options;
  const repository = new SimulationRepository(options.database.db);
  const config = SimulationConfig.parse(simulation.config);
  try {
    const planned = planSimulationRuns(config);
    const stored = await repository.planRuns(
      simulation.id,
      simulation.ownerId,
      planned.map((run) => ({
        runIndex: run.runIndex,
        scenario: run.scenario.name,
        persona: run.persona.name,
      })),
    );
    const finished = new Set(
      stored.filter((run) => run.finishedAt !== null).map((run) => run.runIndex),
    );
    await repository.markRunning(simulation.id);
    const models =
      options.models ??
      (() => ({
        caller: registry.createLlm(config.callerLlm ?? definition.llm),
        judge: registry.createLlm(config.judgeLlm ?? definition.llm),
      }));
    const result = await runSimulationBatch({
      definition,
      runs: planned.filter((run) => !finished.has(run.runIndex)),
      registry,
      models,
      concurrency: config.concurrency,
      store: createDatabaseSimulationStore(options.database, simulation),
      tools: options.tools,
      onRunFinished: options.onRunFinished,
      signal: options.signal,
    });
    await repository.finish(simulation.id, {
      // Stopped from outside (e.g. the API shutting down): runs cut short end as time_limit.
      status: options.signal?.aborted ? 'cancelled' : 'completed',
      summary: result.summary,
    });
    return result;
  } catch (error) {
    await repository.finish(simulation.id, {
      status: 'failed',
      summary: { error: error instanceof Error ? error.message : String(error) },
    });
    throw error;
  }
}

/**
 * The simulation's conversations as JSONL in the chat-messages format (one validated line per
 * run that recorded a transcript, in run order). `definition` supplies the system prompt.
 */
export async function exportSimulationJsonl(
  database: Pick<Database, 'db'>,
  ownerId: string,
  simulationId: string,
  definition?: AgentDefinition,
): Promise<string> {
  const runs = await new SimulationRepository(database.db).listRuns(ownerId, simulationId);
  const transcripts = new TranscriptRepository(database.db);
  const systemPrompt = definition ? systemPromptOf(definition) : undefined;
  const lines: string[] = [];
  for (const run of runs) {
    if (!run.sessionId) continue;
    const items = await transcripts.list(ownerId, run.sessionId);
    const messages = toChatMessages(items, systemPrompt);
    if (!messages.some((m) => m.role === 'user' || m.role === 'assistant')) continue;
    const metrics = (run.metrics ?? {}) as { endReason?: string };
    const record: ChatMessagesRecord = {
      messages,
      metadata: {
        simulationId,
        runIndex: run.runIndex,
        scenario: run.scenario,
        persona: run.persona,
        passed: run.passed,
        endReason: metrics.endReason ?? null,
      },
    };
    lines.push(toJsonlLine(record));
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

export interface EvaluateStoredRunOptions {
  database: Pick<Database, 'db'>;
  ownerId: string;
  simulationId: string;
  runIndex: number;
  /** The judge; without one, judged criteria fail as unjudged. */
  judge?: llm.LLM;
  endReason: SimulationEndReason;
  definition?: AgentDefinition;
}

/**
 * Room mode: judges a run from the transcript its agent side stored (the caller's words are the
 * user messages, as the agent heard them), stores the verdicts, and closes the simulation with
 * a summary once every run is finished. Returns the run's report, or undefined when the run or
 * its transcript does not exist.
 */
export async function evaluateStoredRun(
  options: EvaluateStoredRunOptions,
): Promise<SimulationRunReport | undefined> {
  const repository = new SimulationRepository(options.database.db);
  const simulation = await repository.get(options.ownerId, options.simulationId);
  const run = await repository.getRun(options.simulationId, options.runIndex);
  if (!simulation || !run?.sessionId) return undefined;
  const planned = planSimulationRuns(SimulationConfig.parse(simulation.config))[run.runIndex];
  if (!planned) return undefined;
  const stored = await new TranscriptRepository(options.database.db).list(
    options.ownerId,
    run.sessionId,
  );
  const first = stored[0]?.createdAt.getTime() ?? 0;
  let turn = 0;
  const agent: SimulationItem[] = stored.map((item) => {
    if (item.type === 'message' && item.role === 'user') turn += 1;
    return {
      side: 'agent',
      turn,
      type: item.type,
      role: item.role === 'user' || item.role === 'assistant' ? item.role : undefined,
      content: (item.content ?? {}) as Record<string, unknown>,
      atMs: item.createdAt.getTime() - first,
    };
  });
  const caller: SimulationItem[] = agent
    .filter((item) => item.type === 'message')
    .map((item) => ({
      ...item,
      side: 'caller',
      role: item.role === 'user' ? 'assistant' : 'user',
    }));
  const result: TextSimulationResult = {
    endReason: options.endReason,
    turns: turn,
    durationMs: (stored.at(-1)?.createdAt.getTime() ?? first) - first,
    transcripts: { agent, caller },
    turnTimings: [],
    agentInstructions: options.definition ? systemPromptOf(options.definition) : '',
  };
  const evaluation = await evaluateRun(planned.scenario, result, options.judge);
  const report: SimulationRunReport = {
    runIndex: run.runIndex,
    scenario: run.scenario,
    persona: run.persona,
    status: evaluation.passed ? 'passed' : 'failed',
    passed: evaluation.passed,
    verdicts: evaluation.verdicts,
    metrics: {
      turns: result.turns,
      durationMs: result.durationMs,
      endReason: result.endReason,
      turnTimings: [],
    },
    sessionId: run.sessionId,
  };
  await repository.finishRun(options.simulationId, run.runIndex, {
    status: report.status,
    passed: report.passed,
    verdicts: report.verdicts,
    metrics: report.metrics,
  });
  const runs = await repository.listRuns(options.ownerId, options.simulationId);
  if (runs.every((r) => r.finishedAt !== null)) {
    const summary = summarizeRuns(
      runs.map((r) => ({
        runIndex: r.runIndex,
        scenario: r.scenario,
        persona: r.persona,
        status: r.status === 'passed' ? 'passed' : r.status === 'failed' ? 'failed' : 'error',
        passed: r.passed,
        verdicts: (r.verdicts ?? []) as SimulationRunReport['verdicts'],
        metrics: (r.metrics ?? undefined) as SimulationRunReport['metrics'],
      })),
    );
    await repository.finish(options.simulationId, { status: 'completed', summary });
  }
  return report;
}
