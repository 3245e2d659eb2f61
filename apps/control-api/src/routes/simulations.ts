import { randomUUID } from 'node:crypto';
import {
  AgentCoreError,
  AgentDefinition,
  type AgentDefinition as AgentDefinitionType,
  ensureFrameworkLogger,
  exportSimulationJsonl,
  ProviderRegistry,
  planSimulationRoom,
  planSimulationRuns,
  runStoredSimulation,
  SimulationConfig,
  SimulationError,
} from '@voxie/agent-core';
import { formatSimulationRoomName, parseDispatchMetadata } from '@voxie/config';
import { type Simulation, SimulationRepository, type SimulationRun } from '@voxie/db';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, notFound } from '../errors.js';
import { callerOf } from '../http/caller.js';
import { errorResponses, IdParams, iso } from '../http/schemas.js';
import type { AppServices } from '../services.js';
import type { RouteOptions } from './plugin-options.js';
import { SPAWNER_AGENT_NAME } from './sessions.js';

const CreateSimulationBody = SimulationConfig.extend({
  agentId: z.uuid({ message: 'must be a UUID' }),
  /** Default: the agent's published version. */
  versionId: z.uuid({ message: 'must be a UUID' }).optional(),
  /** `text`: two sessions bridged in memory by this API. `room`: two spawner jobs in a LiveKit room. */
  mode: z.enum(['text', 'room']).default('text'),
});

const RunBody = z.object({
  runIndex: z.number().int(),
  scenario: z.string(),
  persona: z.string(),
  status: z.enum(['queued', 'running', 'passed', 'failed', 'error']),
  passed: z.boolean().nullable(),
  verdicts: z.unknown(),
  metrics: z.unknown(),
  sessionId: z.uuid().nullable(),
  roomName: z.string(),
  error: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

const SimulationBody = z.object({
  id: z.uuid(),
  agentId: z.uuid().nullable(),
  agentVersionId: z.uuid().nullable(),
  mode: z.enum(['text', 'room']),
  status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']),
  config: z.unknown(),
  summary: z.unknown(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  runs: z.array(RunBody),
});

const errors = errorResponses(400, 401, 403, 404, 409, 502, 503);

/** Provider keys of this deployment, for text-mode simulations run by the API itself. */
function registryFor(services: AppServices): ProviderRegistry {
  const { env } = services;
  return new ProviderRegistry({
    openaiApiKey: env.OPENAI_API_KEY,
    openaiBaseURL: env.OPENAI_BASE_URL,
    deepgramApiKey: env.DEEPGRAM_API_KEY,
    cartesiaApiKey: env.CARTESIA_API_KEY,
    elevenlabsApiKey: env.ELEVENLABS_API_KEY,
  });
}

function toRunBody(simulationId: string, run: SimulationRun): z.infer<typeof RunBody> {
  return {
    runIndex: run.runIndex,
    scenario: run.scenario,
    persona: run.persona,
    status: run.status,
    passed: run.passed,
    verdicts: run.verdicts,
    metrics: run.metrics,
    sessionId: run.sessionId,
    roomName: formatSimulationRoomName(simulationId, run.runIndex),
    error: run.error,
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
  };
}

function toSimulationBody(
  simulation: Simulation,
  runs: readonly SimulationRun[],
): z.infer<typeof SimulationBody> {
  return {
    id: simulation.id,
    agentId: simulation.agentId,
    agentVersionId: simulation.agentVersionId,
    mode: simulation.mode,
    status: simulation.status,
    config: simulation.config,
    summary: simulation.summary,
    createdAt: iso(simulation.createdAt) ?? '',
    startedAt: iso(simulation.startedAt),
    finishedAt: iso(simulation.finishedAt),
    runs: runs.map((run) => toRunBody(simulation.id, run)),
  };
}

/**
 * Simulated callers against a stored agent: batches of runs × scenarios × personas, judged per
 * criterion. Text mode runs inside this process in the background (poll `GET /:id`); room mode
 * dispatches the spawner twice per run (`caller` and `agent`) into `sim-{id}-{run}`.
 */
export async function simulationRoutes(
  fastify: FastifyInstance,
  { services }: RouteOptions,
): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { agents, sessions, database, livekit, logger } = services;
  const simulations = new SimulationRepository(database.db);
  const registry = registryFor(services);
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  // Text simulations run framework sessions in this process.
  ensureFrameworkLogger(services.env.LOG_LEVEL === 'silent' ? 'silent' : 'warn');

  fastify.addHook('onClose', async () => {
    for (const job of running.values()) job.controller.abort();
    await Promise.allSettled([...running.values()].map((job) => job.done));
  });

  async function loadDefinition(
    ownerId: string,
    agentId: string,
    versionId?: string,
  ): Promise<{ definition: AgentDefinitionType; versionId: string }> {
    const agent = await agents.get(ownerId, agentId);
    if (!agent) throw notFound('agent');
    const wanted = versionId ?? agent.publishedVersionId;
    if (!wanted) throw new ApiError('conflict', 'agent has no published version; publish it first');
    const version = (await agents.listVersions(ownerId, agentId))?.find((v) => v.id === wanted);
    if (!version) throw notFound('agent version');
    const parsed = AgentDefinition.safeParse(version.definition);
    if (!parsed.success) throw new ApiError('conflict', 'the stored agent definition is invalid');
    return { definition: parsed.data, versionId: version.id };
  }

  /** Starts (or resumes) a text simulation in the background; a second call is a no-op. */
  function startText(simulation: Simulation, definition: AgentDefinitionType): void {
    if (running.has(simulation.id)) return;
    const controller = new AbortController();
    const log = logger.child({ simulationId: simulation.id });
    const done = runStoredSimulation({
      database,
      simulation,
      definition,
      registry,
      signal: controller.signal,
      onRunFinished: (report, finished, total) =>
        log.info(
          {
            event: 'simulation.run',
            runIndex: report.runIndex,
            status: report.status,
            finished,
            total,
          },
          'simulation run finished',
        ),
    })
      .then(({ summary }) =>
        log.info({ event: 'simulation.completed', summary }, 'simulation completed'),
      )
      .catch((error: unknown) => log.error({ err: error }, 'simulation failed'))
      .finally(() => running.delete(simulation.id));
    running.set(simulation.id, { controller, done });
  }

  /** Simulation roles the spawner is already dispatched for in the room. */
  async function dispatchedRoles(roomName: string): Promise<Set<string>> {
    let dispatches: Awaited<ReturnType<typeof livekit.listDispatches>>;
    try {
      dispatches = await livekit.listDispatches(roomName);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'not_found') return new Set();
      throw error;
    }
    const roles = new Set<string>();
    for (const dispatch of dispatches) {
      if (dispatch.agentName !== SPAWNER_AGENT_NAME) continue;
      const parsed = parseDispatchMetadata(dispatch.metadata);
      if (parsed.ok && parsed.metadata.role) roles.add(parsed.metadata.role);
    }
    return roles;
  }

  /**
   * Dispatches both sides of every run into its room. Idempotent: under a lock per room, a role
   * already dispatched there is not dispatched again, so a retry never adds a third agent.
   */
  async function startRooms(simulation: Simulation, runs: readonly SimulationRun[]): Promise<void> {
    for (const run of runs) {
      const roomName = formatSimulationRoomName(simulation.id, run.runIndex);
      const session =
        (await sessions.findByRoomName(roomName)) ??
        (await sessions.create({
          ownerId: simulation.ownerId,
          kind: 'simulation',
          roomName,
          agentId: simulation.agentId ?? undefined,
          agentVersionId: simulation.agentVersionId ?? undefined,
        }));
      const plan = planSimulationRoom({
        simulationId: simulation.id,
        runIndex: run.runIndex,
        agentId: simulation.agentId ?? '',
        versionId: simulation.agentVersionId ?? undefined,
        ownerId: simulation.ownerId,
        sessionId: session.id,
      });
      await database.withLock(`simulation-room:${roomName}`, async () => {
        const existing = await dispatchedRoles(roomName);
        for (const dispatch of plan.dispatches) {
          if (existing.has(dispatch.role)) continue;
          await livekit.createDispatch(
            roomName,
            SPAWNER_AGENT_NAME,
            JSON.stringify(dispatch.metadata),
          );
        }
      });
      await simulations.startRun(simulation.id, run.runIndex, session.id);
    }
    await simulations.markRunning(simulation.id);
  }

  app.post(
    '',
    {
      config: { scope: 'simulations:write' },
      schema: {
        summary: 'Start a simulation: simulated callers against a published agent',
        description:
          'Runs scenarios × personas × runs. Text mode runs in this API process (poll GET /v1/simulations/{id}); room mode creates sim-{id}-{run} rooms with a caller and an agent dispatch each.',
        tags: ['simulations'],
        body: CreateSimulationBody,
        response: { 202: SimulationBody, ...errors },
      },
    },
    async (request, reply) => {
      const ownerId = callerOf(request).ownerId;
      const { agentId, versionId, mode, ...rest } = request.body;
      const config = SimulationConfig.parse(rest);
      let planned: ReturnType<typeof planSimulationRuns>;
      try {
        planned = planSimulationRuns(config);
      } catch (error) {
        if (error instanceof SimulationError) throw new ApiError('invalid_request', error.message);
        throw error;
      }
      const loaded = await loadDefinition(ownerId, agentId, versionId);
      if (mode === 'text') {
        const problems = [
          ...registry.check(loaded.definition, 'text').map((p) => p.message),
          ...[config.callerLlm, config.judgeLlm].flatMap((settings) => {
            if (!settings) return [];
            try {
              registry.createLlm(settings);
              return [];
            } catch (error) {
              return error instanceof AgentCoreError ? [error.message] : [String(error)];
            }
          }),
        ];
        if (problems.length > 0) {
          throw new ApiError('invalid_request', `cannot simulate here: ${problems.join('; ')}`);
        }
      }
      const simulation = await simulations.create({
        id: randomUUID(),
        ownerId,
        agentId,
        agentVersionId: loaded.versionId,
        mode,
        config,
      });
      const runs = await simulations.planRuns(
        simulation.id,
        ownerId,
        planned.map((run) => ({
          runIndex: run.runIndex,
          scenario: run.scenario.name,
          persona: run.persona.name,
        })),
      );
      if (mode === 'text') startText(simulation, loaded.definition);
      else await startRooms(simulation, runs);
      const stored = (await simulations.get(ownerId, simulation.id)) ?? simulation;
      return reply
        .status(202)
        .send(toSimulationBody(stored, await simulations.listRuns(ownerId, simulation.id)));
    },
  );

  app.post(
    '/:id/start',
    {
      config: { scope: 'simulations:write' },
      schema: {
        summary: 'Start again: resume unfinished text runs, or dispatch missing room sides',
        description:
          'Idempotent: runs already finished and sides already dispatched are left alone.',
        tags: ['simulations'],
        params: IdParams,
        response: { 202: SimulationBody, ...errors },
      },
    },
    async (request, reply) => {
      const ownerId = callerOf(request).ownerId;
      const simulation = await simulations.get(ownerId, request.params.id);
      if (!simulation) throw notFound('simulation');
      const runs = await simulations.listRuns(ownerId, simulation.id);
      if (simulation.mode === 'text') {
        if (simulation.agentId && runs.some((run) => run.finishedAt === null)) {
          const loaded = await loadDefinition(
            ownerId,
            simulation.agentId,
            simulation.agentVersionId ?? undefined,
          );
          startText(simulation, loaded.definition);
        }
      } else {
        await startRooms(
          simulation,
          runs.filter((run) => run.finishedAt === null),
        );
      }
      const stored = (await simulations.get(ownerId, simulation.id)) ?? simulation;
      return reply
        .status(202)
        .send(toSimulationBody(stored, await simulations.listRuns(ownerId, simulation.id)));
    },
  );

  app.get(
    '',
    {
      config: { scope: 'agents:read' },
      schema: {
        summary: "The caller's simulations, newest first (without runs)",
        tags: ['simulations'],
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
        response: {
          200: z.object({ items: z.array(SimulationBody.omit({ runs: true })) }),
          ...errors,
        },
      },
    },
    async (request) => {
      const rows = await simulations.list(callerOf(request).ownerId, request.query.limit);
      return {
        items: rows.map((row) => {
          const { runs: _runs, ...body } = toSimulationBody(row, []);
          return body;
        }),
      };
    },
  );

  app.get(
    '/:id',
    {
      config: { scope: 'agents:read' },
      schema: {
        summary: 'A simulation: status, summary and per-run verdicts',
        tags: ['simulations'],
        params: IdParams,
        response: { 200: SimulationBody, ...errors },
      },
    },
    async (request) => {
      const ownerId = callerOf(request).ownerId;
      const simulation = await simulations.get(ownerId, request.params.id);
      if (!simulation) throw notFound('simulation');
      return toSimulationBody(simulation, await simulations.listRuns(ownerId, simulation.id));
    },
  );

  app.get(
    '/:id/export',
    {
      config: { scope: 'agents:read' },
      schema: {
        summary: 'The conversations as JSONL in the chat-messages format',
        description:
          'One line per run with a transcript: {"messages": [system, user, assistant (tool_calls), tool, ...], "metadata": {...}}. Content type application/x-ndjson.',
        tags: ['simulations'],
        params: IdParams,
        response: { 200: z.string().describe('JSONL'), ...errors },
      },
    },
    async (request, reply) => {
      const ownerId = callerOf(request).ownerId;
      const simulation = await simulations.get(ownerId, request.params.id);
      if (!simulation) throw notFound('simulation');
      const definition =
        simulation.agentId && simulation.agentVersionId
          ? (await agents.listVersions(ownerId, simulation.agentId).catch(() => undefined))?.find(
              (v) => v.id === simulation.agentVersionId,
            )?.definition
          : undefined;
      const parsed = AgentDefinition.safeParse(definition);
      const body = await exportSimulationJsonl(
        database,
        ownerId,
        simulation.id,
        parsed.success ? parsed.data : undefined,
      );
      return reply
        .type('application/x-ndjson')
        .header('content-disposition', `attachment; filename="simulation-${simulation.id}.jsonl"`)
        .send(body);
    },
  );
}
