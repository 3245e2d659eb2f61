import { parseArgs } from 'node:util';
import {
  createAgentLoader,
  ensureFrameworkLogger,
  PERSONA_LIBRARY,
  type PlannedSimulationRun,
  ProviderRegistry,
  runStoredSimulation,
  SCENARIO_LIBRARY,
  SimulationConfig,
  type SimulationModels,
  type SimulationRunReport,
  type SimulationSummary,
} from '@voxie/agent-core';
import type { EnvSource } from '@voxie/config';
import {
  createDatabase,
  migrateDatabase,
  SessionRecordingRepository,
  SimulationRepository,
} from '@voxie/db';
import { loadConsoleEnv, providerKeysFrom, secretResolverFrom } from './env.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const SIMULATE_USAGE = `usage: pnpm simulate --agent <id or name> [options]

Simulated callers against a stored agent's published version (text mode, no LiveKit needed).
Every run is stored (simulations, simulation_runs, transcript); export with
GET /v1/simulations/<id>/export.

options:
  --agent <id|name>       the agent under test
  --scenario <name>       library scenario (repeatable; default billing-dispute)
  --persona <name>        library persona (repeatable; default calm-customer)
  --runs <n>              runs per scenario × persona (default 1)
  --concurrency <n>       conversations at once (default 4)
  --caller-model <name>   the simulated caller's model (default: the agent's)
  --judge-model <name>    the judge's model (default: the agent's)
  --base-url <url>        OpenAI-compatible server for all three models
  --list                  list library scenarios and personas
  -h, --help              this help

scenarios: ${[...SCENARIO_LIBRARY.keys()].join(', ')}
personas: ${[...PERSONA_LIBRARY.keys()].join(', ')}`;

export interface SimulateIO {
  output: NodeJS.WritableStream & { isTTY?: boolean };
  error?: NodeJS.WritableStream;
}

export interface SimulateOptions {
  argv: readonly string[];
  env: EnvSource;
  io: SimulateIO;
  /** Models per run (tests); flags are ignored for the models then. */
  models?: (run: PlannedSimulationRun) => SimulationModels;
}

function parseSimulateArgs(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      agent: { type: 'string' },
      scenario: { type: 'string', multiple: true },
      persona: { type: 'string', multiple: true },
      runs: { type: 'string' },
      concurrency: { type: 'string' },
      'caller-model': { type: 'string' },
      'judge-model': { type: 'string' },
      'base-url': { type: 'string' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values['base-url'] !== undefined && !URL.canParse(values['base-url'])) {
    throw new Error('--base-url must be a URL');
  }
  return values;
}

/** `[#####-----] 5/10` */
export function progressBar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
}

/** The summary as a text table: pass rate per criterion, then turns and latency. */
export function formatSummary(summary: SimulationSummary): string {
  const pct = (rate: number) => `${(rate * 100).toFixed(0)}%`;
  const rows = [
    ['criterion', 'kind', 'passed', 'rate'],
    ...summary.criteria.map((c) => [c.id, c.kind, `${c.passed}/${c.total}`, pct(c.passRate)]),
    ['(run passes)', 'all', `${summary.passed}/${summary.runs}`, pct(summary.passRate)],
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const lines = rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
  lines.push(
    `runs ${summary.runs}: ${summary.passed} passed, ${summary.failed} failed, ${summary.errors} errors; ` +
      `avg turns ${summary.avgTurns.toFixed(1)}; agent latency avg ${
        summary.agentLatencyAvgMs === undefined ? '-' : `${summary.agentLatencyAvgMs} ms`
      }; ended by ${Object.entries(summary.endReasons)
        .map(([reason, count]) => `${reason} ${count}`)
        .join(', ')}`,
  );
  return lines.join('\n');
}

/**
 * Runs `pnpm simulate`: loads the agent, stores a text-mode simulation, runs it with a live
 * progress bar and prints the summary table. Returns the exit code: 0 when every run passed,
 * 1 when some failed, 2 for usage errors.
 */
export async function runSimulateCli(options: SimulateOptions): Promise<number> {
  const { io } = options;
  const out = (text: string) => io.output.write(text);
  const fail = (message: string, code = 1) => {
    (io.error ?? io.output).write(`error: ${message}\n`);
    return code;
  };
  let args: ReturnType<typeof parseSimulateArgs>;
  try {
    args = parseSimulateArgs(options.argv);
  } catch (error) {
    return fail(
      `${error instanceof Error ? error.message : String(error)}\n\n${SIMULATE_USAGE}`,
      2,
    );
  }
  if (args.help || args.list || !args.agent) {
    out(`${SIMULATE_USAGE}\n`);
    return args.help || args.list ? 0 : 2;
  }
  const parsedConfig = SimulationConfig.safeParse({
    scenarios: args.scenario ?? ['billing-dispute'],
    personas: args.persona ?? ['calm-customer'],
    runs: args.runs === undefined ? undefined : Number(args.runs),
    concurrency: args.concurrency === undefined ? undefined : Number(args.concurrency),
  });
  if (!parsedConfig.success) {
    return fail(
      parsedConfig.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      2,
    );
  }
  let env: ReturnType<typeof loadConsoleEnv>;
  try {
    env = loadConsoleEnv(options.env);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  ensureFrameworkLogger('silent');
  const database = await createDatabase({
    url: env.DATABASE_URL,
    dataDir: env.DATABASE_URL ? undefined : `${env.VOXIE_DATA_DIR}/pglite`,
    poolMax: Math.min(10, parsedConfig.data.concurrency + 2),
  });
  try {
    if (database.kind === 'pglite') await migrateDatabase(database);
    let agentId = args.agent;
    if (!UUID.test(agentId)) {
      const matches = await new SessionRecordingRepository(database.db).findActiveAgentsByName(
        agentId,
      );
      if (matches.length !== 1) {
        return fail(
          matches.length === 0
            ? `no active agent named "${agentId}"`
            : `several agents are named "${agentId}"; pass an id`,
        );
      }
      agentId = matches[0]?.id ?? agentId;
    }
    const secrets = secretResolverFrom(options.env);
    const keys = {
      ...providerKeysFrom(env),
      ...(args['base-url'] ? { openaiBaseURL: args['base-url'] } : {}),
    };
    const loaded = await createAgentLoader(database, keys, 'text')(agentId);
    if (!loaded)
      return fail(`agent ${agentId} does not exist, is archived or has no published version`);
    if (!loaded.definition) return fail(loaded.problems.join('; '));
    const definition = loaded.definition;
    const llm = (model: string | undefined) =>
      model
        ? { ...definition.llm, model, ...(args['base-url'] ? { baseURL: args['base-url'] } : {}) }
        : undefined;
    const config: SimulationConfig = {
      ...parsedConfig.data,
      callerLlm: llm(args['caller-model']),
      judgeLlm: llm(args['judge-model']),
    };
    const simulation = await new SimulationRepository(database.db).create({
      ownerId: loaded.ownerId,
      agentId: loaded.agentId,
      agentVersionId: loaded.versionId,
      mode: 'text',
      config,
    });
    const tty = io.output.isTTY === true;
    out(`simulation ${simulation.id}: ${loaded.name} (v${loaded.version})\n`);
    const { summary } = await runStoredSimulation({
      database,
      simulation,
      definition,
      registry: new ProviderRegistry(keys, { secrets }),
      models: options.models,
      tools: { secrets },
      onRunFinished: (report: SimulationRunReport, done, total) => {
        const line = `${progressBar(done, total)} run ${report.runIndex} ${report.scenario}/${report.persona}: ${report.status}${
          report.error ? ` (${report.error})` : ''
        }`;
        out(tty ? `\r\x1b[2K${line}` : `${line}\n`);
      },
    });
    if (tty) out('\n');
    out(`${formatSummary(summary)}\n`);
    return summary.passed === summary.runs ? 0 : 1;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  } finally {
    await database.close();
  }
}
