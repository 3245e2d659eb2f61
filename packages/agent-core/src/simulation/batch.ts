import type { llm } from '@livekit/agents';
import type { AgentDefinition } from '../agent-definition.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { RecorderSink } from '../session-recorder.js';
import type { ToolRuntime } from '../tools/tool-registry.js';
import { SimulationError } from './errors.js';
import { type Evaluation, evaluateRun, type Verdict } from './evaluation.js';
import { PERSONA_LIBRARY, SCENARIO_LIBRARY } from './library.js';
import type { Persona, Scenario, SimulationConfig } from './schemas.js';
import {
  runTextSimulation,
  type SimulationEndReason,
  type TextSimulationResult,
} from './text-simulation.js';

/** One conversation to simulate. */
export interface PlannedSimulationRun {
  runIndex: number;
  scenario: Scenario;
  persona: Persona;
}

/** The models of one run: the caller's, optionally the agent's (override) and the judge's. */
export interface SimulationModels {
  caller: llm.LLM;
  agent?: llm.LLM;
  judge?: llm.LLM;
}

export interface SimulationRunMetrics {
  turns: number;
  durationMs: number;
  endReason: SimulationEndReason;
  endDetail?: string;
  /** Agent reply latency over the run's exchanges, in ms. */
  agentLatencyAvgMs?: number;
  agentLatencyMaxMs?: number;
  /** Per exchange: caller text, agent text and both latencies. */
  turnTimings: TextSimulationResult['turnTimings'];
}

export interface SimulationRunReport {
  runIndex: number;
  scenario: string;
  persona: string;
  status: 'passed' | 'failed' | 'error';
  passed: boolean | null;
  verdicts: Verdict[];
  metrics?: SimulationRunMetrics;
  error?: string;
  sessionId?: string;
  /** The conversation (kept when `keepResults` is set). */
  result?: TextSimulationResult;
}

/** Where a batch records its runs (see `createDatabaseSimulationStore`). */
export interface SimulationStore {
  /** The run starts; returns where its transcript goes, if anywhere. */
  startRun(
    run: PlannedSimulationRun,
  ): Promise<{ sessionId: string; sink: RecorderSink } | undefined>;
  finishRun(run: PlannedSimulationRun, report: SimulationRunReport): Promise<void>;
}

export interface CriterionSummary {
  id: string;
  kind: Verdict['kind'];
  passed: number;
  total: number;
  passRate: number;
}

export interface SimulationSummary {
  runs: number;
  passed: number;
  failed: number;
  errors: number;
  passRate: number;
  criteria: CriterionSummary[];
  avgTurns: number;
  agentLatencyAvgMs?: number;
  endReasons: Record<string, number>;
}

/**
 * Expands a config into runs: for each scenario, each persona, `runs` times. Names are looked up
 * in the starter library; inline definitions are used as given.
 */
export function planSimulationRuns(config: SimulationConfig): PlannedSimulationRun[] {
  const scenarios = config.scenarios.map((entry) => {
    if (typeof entry !== 'string') return entry;
    const found = SCENARIO_LIBRARY.get(entry);
    if (!found) throw new SimulationError('unknown_scenario', `no scenario named "${entry}"`);
    return found;
  });
  const personas = config.personas.map((entry) => {
    if (typeof entry !== 'string') return entry;
    const found = PERSONA_LIBRARY.get(entry);
    if (!found) throw new SimulationError('unknown_persona', `no persona named "${entry}"`);
    return found;
  });
  const runs: PlannedSimulationRun[] = [];
  for (const scenario of scenarios) {
    for (const persona of personas) {
      for (let i = 0; i < config.runs; i += 1) {
        runs.push({ runIndex: runs.length, scenario, persona });
      }
    }
  }
  return runs;
}

function metricsOf(result: TextSimulationResult): SimulationRunMetrics {
  const latencies = result.turnTimings.map((t) => t.agentLatencyMs);
  return {
    turns: result.turns,
    durationMs: result.durationMs,
    endReason: result.endReason,
    endDetail: result.endDetail,
    agentLatencyAvgMs:
      latencies.length > 0
        ? Math.round((latencies.reduce((a, b) => a + b, 0) / latencies.length) * 10) / 10
        : undefined,
    agentLatencyMaxMs: latencies.length > 0 ? Math.max(...latencies) : undefined,
    turnTimings: result.turnTimings,
  };
}

export interface SimulationBatchOptions {
  definition: AgentDefinition;
  runs: readonly PlannedSimulationRun[];
  registry: ProviderRegistry;
  /** Models for one run (called once per run, so every run gets its own instances if needed). */
  models: (run: PlannedSimulationRun) => SimulationModels;
  /** Runs at once; default 4. */
  concurrency?: number;
  store?: SimulationStore;
  tools?: ToolRuntime;
  /** Keep each run's transcripts on its report (memory grows with the batch). */
  keepResults?: boolean;
  /** Called as each run finishes, in finishing order. */
  onRunFinished?: (report: SimulationRunReport, done: number, total: number) => void;
  signal?: AbortSignal;
}

async function runOne(
  run: PlannedSimulationRun,
  options: SimulationBatchOptions,
): Promise<SimulationRunReport> {
  const base = { runIndex: run.runIndex, scenario: run.scenario.name, persona: run.persona.name };
  let sessionId: string | undefined;
  try {
    const recording = await options.store?.startRun(run);
    sessionId = recording?.sessionId;
    const models = options.models(run);
    const result = await runTextSimulation({
      definition: options.definition,
      scenario: run.scenario,
      persona: run.persona,
      registry: options.registry,
      callerLlm: models.caller,
      agentLlm: models.agent,
      tools: options.tools,
      recording,
      signal: options.signal,
    });
    const evaluation: Evaluation = await evaluateRun(run.scenario, result, models.judge);
    return {
      ...base,
      status: result.endReason === 'error' ? 'error' : evaluation.passed ? 'passed' : 'failed',
      passed: evaluation.passed,
      verdicts: evaluation.verdicts,
      metrics: metricsOf(result),
      error: result.endReason === 'error' ? result.endDetail : undefined,
      sessionId,
      result: options.keepResults ? result : undefined,
    };
  } catch (error) {
    return {
      ...base,
      status: 'error',
      passed: null,
      verdicts: [],
      error: error instanceof Error ? error.message : String(error),
      sessionId,
    };
  }
}

/** Pass rates per criterion, turns and latency over finished runs. */
export function summarizeRuns(reports: readonly SimulationRunReport[]): SimulationSummary {
  const criteria = new Map<string, CriterionSummary>();
  const endReasons: Record<string, number> = {};
  for (const report of reports) {
    for (const verdict of report.verdicts) {
      const entry = criteria.get(verdict.id) ?? {
        id: verdict.id,
        kind: verdict.kind,
        passed: 0,
        total: 0,
        passRate: 0,
      };
      entry.total += 1;
      if (verdict.passed) entry.passed += 1;
      entry.passRate = entry.passed / entry.total;
      criteria.set(verdict.id, entry);
    }
    const reason = report.metrics?.endReason ?? 'error';
    endReasons[reason] = (endReasons[reason] ?? 0) + 1;
  }
  const withMetrics = reports.flatMap((r) => (r.metrics ? [r.metrics] : []));
  const latencies = withMetrics.flatMap((m) => (m.turnTimings ?? []).map((t) => t.agentLatencyMs));
  const passed = reports.filter((r) => r.status === 'passed').length;
  const errors = reports.filter((r) => r.status === 'error').length;
  return {
    runs: reports.length,
    passed,
    failed: reports.length - passed - errors,
    errors,
    passRate: reports.length > 0 ? passed / reports.length : 0,
    criteria: [...criteria.values()],
    avgTurns:
      withMetrics.length > 0
        ? withMetrics.reduce((sum, m) => sum + m.turns, 0) / withMetrics.length
        : 0,
    agentLatencyAvgMs:
      latencies.length > 0
        ? Math.round((latencies.reduce((a, b) => a + b, 0) / latencies.length) * 10) / 10
        : undefined,
    endReasons,
  };
}

/**
 * Runs the planned conversations, at most `concurrency` at once, each with its own sessions
 * and models; evaluates and stores every run as it finishes. A failing run is reported as
 * `error` and never stops the batch. Reports come back in run order.
 */
export async function runSimulationBatch(
  options: SimulationBatchOptions,
): Promise<{ reports: SimulationRunReport[]; summary: SimulationSummary }> {
  const total = options.runs.length;
  const reports: SimulationRunReport[] = new Array(total);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      const position = next++;
      const run = options.runs[position];
      if (!run) return;
      const report = await runOne(run, options);
      if (options.store) {
        try {
          await options.store.finishRun(run, report);
        } catch (error) {
          report.status = 'error';
          report.error = `could not store the run: ${error instanceof Error ? error.message : String(error)}`;
        }
      }
      reports[position] = report;
      done += 1;
      options.onRunFinished?.(report, done, total);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, total));
  await Promise.all(Array.from({ length: workers }, worker));
  return { reports, summary: summarizeRuns(reports) };
}
