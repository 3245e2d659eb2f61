import { type llm, type VAD, voice } from '@livekit/agents';
import type { Room } from '@livekit/rtc-node';
import {
  type AgentDefinition,
  buildSimulatedCaller,
  CALLER_END_TOKEN,
  evaluateStoredRun,
  type LoadedAgent,
  type Persona,
  type ProviderRegistry,
  planSimulationRuns,
  type Scenario,
  type SecretResolver,
  SimulationConfig,
  type SimulationRole,
  simulationInputOptions,
  waitForSimulationPeer,
} from '@voxie/agent-core';
import type { DispatchMetadata, Logger } from '@voxie/config';
import { type Database, SessionRepository, SimulationRepository } from '@voxie/db';
import { startAgentSession } from './session-runner.js';

/**
 * Room mode of a simulation: this job plays one side (`agent` or `caller`) of run `runIndex` in
 * `sim-{simulationId}-{runIndex}`. Each side waits for the other agent itself (the framework's
 * `waitForParticipant` skips agents) and listens to AGENT participants, linked to that peer.
 */

export interface SimulationRunPlan {
  simulationId: string;
  runIndex: number;
  persona: Persona;
  scenario: Scenario;
}

/** The persona and scenario of the dispatched run, from the stored simulation's config. */
export async function loadSimulationRun(
  database: Pick<Database, 'db'>,
  ownerId: string,
  metadata: DispatchMetadata,
): Promise<SimulationRunPlan | undefined> {
  const { simulationId, runIndex } = metadata;
  if (!simulationId || runIndex === undefined) return undefined;
  const simulation = await new SimulationRepository(database.db).get(ownerId, simulationId);
  if (!simulation) return undefined;
  const config = SimulationConfig.safeParse(simulation.config);
  if (!config.success) return undefined;
  const run = planSimulationRuns(config.data)[runIndex];
  return run && { simulationId, runIndex, persona: run.persona, scenario: run.scenario };
}

/** How long the caller waits for the agent side to flush its transcript before judging. */
const AGENT_FLUSH_WAIT_MS = 20_000;

/**
 * After the call: once the agent side closed its session row (its transcript is flushed),
 * judge the run from that transcript and store the verdicts (see `evaluateStoredRun`).
 */
async function judgeRoomRun(
  options: SimulationSideOptions,
  plan: SimulationRunPlan,
  reason: string,
): Promise<void> {
  const ownerId = options.agent.ownerId;
  const sessions = new SessionRepository(options.database.db);
  const deadline = Date.now() + AGENT_FLUSH_WAIT_MS;
  for (;;) {
    const session = await sessions.findByRoomName(options.roomName);
    if (!session || session.status === 'ended' || session.status === 'failed') break;
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const config = SimulationConfig.parse(
    (await new SimulationRepository(options.database.db).get(ownerId, plan.simulationId))?.config,
  );
  const report = await evaluateStoredRun({
    database: options.database,
    ownerId,
    simulationId: plan.simulationId,
    runIndex: plan.runIndex,
    judge: options.registry.createLlm(config.judgeLlm ?? options.agent.definition.llm),
    endReason: reason === 'simulation_time_limit' ? 'time_limit' : 'end_condition',
    definition: options.agent.definition,
  });
  options.logger.info(
    { event: 'simulation.judged', runIndex: plan.runIndex, status: report?.status },
    'simulation run judged',
  );
}

export interface SimulationSideOptions {
  role: SimulationRole;
  metadata: DispatchMetadata;
  agent: LoadedAgent & { definition: AgentDefinition };
  room: Room;
  roomName: string;
  database: Pick<Database, 'db'>;
  registry: ProviderRegistry;
  secrets: SecretResolver;
  logger: Logger;
  vad?: VAD;
  llm?: llm.LLM;
  /** How long to wait for the other side to join; default 30 s. */
  peerTimeoutMs?: number;
  deleteRoom?: () => Promise<void>;
}

export interface RunningSimulationSide {
  ended: Promise<string>;
  stop(reason: string): Promise<void>;
}

/** Starts this job's side once the peer is in the room. */
export async function startSimulationSide(
  options: SimulationSideOptions,
): Promise<RunningSimulationSide> {
  const { role, metadata, logger } = options;
  const peer = await waitForSimulationPeer(options.room, role, options.peerTimeoutMs ?? 30_000);
  const inputOptions = simulationInputOptions(peer.identity);
  logger.info({ event: 'simulation.peer', role, peer: peer.identity }, 'simulation peer joined');
  const simulations = new SimulationRepository(options.database.db);

  if (role === 'agent') {
    const running = await startAgentSession({
      agent: options.agent,
      database: options.database,
      registry: options.registry,
      secrets: options.secrets,
      logger,
      mode: 'voice',
      roomName: options.roomName,
      kind: 'simulation',
      room: options.room,
      vad: options.vad,
      llm: options.llm,
      inputOptions,
      deleteRoom: options.deleteRoom,
    });
    if (metadata.simulationId && metadata.runIndex !== undefined) {
      await simulations.startRun(metadata.simulationId, metadata.runIndex, running.sessionId);
    }
    return { ended: running.ended, stop: running.stop };
  }

  const plan = await loadSimulationRun(options.database, options.agent.ownerId, metadata);
  if (!plan) throw new Error('the dispatched simulation run does not exist');
  const caller = buildSimulatedCaller({
    persona: plan.persona,
    scenario: plan.scenario,
    definition: options.agent.definition,
    registry: options.registry,
    llm: options.llm,
    vad: options.vad,
  });
  const session = new voice.AgentSession(caller.sessionOptions);
  const ended = new Promise<string>((resolve) =>
    session.once(voice.AgentSessionEventTypes.Close, (event) => resolve(String(event.reason))),
  );
  const endToken =
    plan.scenario.endConditions.find((c) => c.type === 'caller_says')?.text ?? CALLER_END_TOKEN;
  let turns = 0;
  session.on(voice.AgentSessionEventTypes.ConversationItemAdded, (event) => {
    const item = event.item;
    if (item.type !== 'message' || item.role !== 'assistant') return;
    turns += 1;
    const text = item.textContent ?? '';
    logger.info({ event: 'simulation.caller_said', turn: turns, text }, 'caller said');
    if (text.toLowerCase().includes(endToken.toLowerCase()) || turns > plan.scenario.maxTurns) {
      // The caller hangs up: closing the room ends the agent's job too.
      session.shutdown({ drain: true, reason: 'caller_ended_call' });
    }
  });
  const limit = setTimeout(
    () => session.shutdown({ drain: false, reason: 'simulation_time_limit' }),
    plan.scenario.timeLimitSeconds * 1000,
  );
  void ended.then(async (reason) => {
    clearTimeout(limit);
    await options.deleteRoom?.().catch((error: unknown) => {
      logger.warn({ err: error }, 'could not delete the simulation room');
    });
    await judgeRoomRun(options, plan, reason).catch((error: unknown) =>
      logger.error({ err: error }, 'could not judge the simulation run'),
    );
  });
  await session.start({ agent: caller.agent, room: options.room, inputOptions });
  if (plan.scenario.opening && options.agent.definition.greeting.mode === 'wait') {
    session.say(plan.scenario.opening);
  }
  return {
    ended,
    async stop(reason) {
      session.shutdown({ drain: true, reason });
      await ended;
    },
  };
}
