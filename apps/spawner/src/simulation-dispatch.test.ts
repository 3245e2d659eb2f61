import { randomUUID } from 'node:crypto';
import { type AgentDefinitionInput, planSimulationRoom } from '@voxie/agent-core';
import { createLogger } from '@voxie/config';
import { AgentRepository, type Database, SimulationRepository } from '@voxie/db';
import { openTestDatabase } from '@voxie/db/testing';
import { type LoopbackLiveKitServer, startLoopbackLiveKit } from '@voxie/testkit';
import { AgentDispatchClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ATTRIBUTES } from './job-decision.js';
import { createRuntime, type SpawnerRuntime } from './runtime.js';
import { SPAWNER_AGENT_NAME, type Spawner, startSpawner } from './spawner.js';

const owner = randomUUID();

/**
 * Room mode against the loopback LiveKit server: the real spawner worker receives both
 * dispatches of a `sim-*` room (as the control API makes them) and takes each with its role.
 */
describe('simulation dispatches', () => {
  let db: { database: Database; url: string; cleanup(): Promise<void> };
  let livekit: LoopbackLiveKitServer;
  let runtime: SpawnerRuntime;
  let spawner: Spawner;

  beforeAll(async () => {
    db = await openTestDatabase('spawner_simulation_dispatch');
    livekit = await startLoopbackLiveKit();
    runtime = await createRuntime(
      {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        LIVEKIT_URL: livekit.wsUrl,
        LIVEKIT_API_KEY: livekit.apiKey,
        LIVEKIT_API_SECRET: livekit.apiSecret,
        DATABASE_URL: db.url,
        OPENAI_API_KEY: 'k',
        DEEPGRAM_API_KEY: 'k',
        CARTESIA_API_KEY: 'k',
        PORT: '0',
        // Load from sessions, not CPU: a busy test machine must not turn jobs away.
        MAX_SESSIONS: '10',
        HOST: '127.0.0.1',
        DRAIN_TIMEOUT_MS: '5000',
      },
      { logger: createLogger({ name: 'spawner', level: 'silent' }) },
    );
    spawner = await startSpawner(runtime, { frameworkLogLevel: 'warn' });
    await livekit.waitForWorker(SPAWNER_AGENT_NAME, 60_000);
    await spawner.registered;
  }, 90_000);

  afterAll(async () => {
    await spawner?.stop();
    await runtime?.close();
    await livekit?.close();
    await db?.cleanup();
  });

  it('accepts the agent and the caller side of one sim room, each with its role attribute', async () => {
    const draft: AgentDefinitionInput = {
      schemaVersion: 1,
      name: 'Desk',
      instructions: 'Help callers.',
      greeting: { mode: 'wait' },
      llm: { provider: 'openai', model: 'gpt-4.1-mini' },
      stt: { provider: 'deepgram', model: 'nova-3' },
      tts: { provider: 'cartesia', voice: 'v' },
    };
    const agents = new AgentRepository(db.database.db);
    const agent = await agents.create({ ownerId: owner, name: 'Desk', draft });
    const version = await agents.publish(owner, agent.id);
    const simulation = await new SimulationRepository(db.database.db).create({
      ownerId: owner,
      agentId: agent.id,
      mode: 'room',
      config: { scenarios: ['billing-dispute'], personas: ['calm-customer'] },
    });
    const plan = planSimulationRoom({
      simulationId: simulation.id,
      runIndex: 0,
      agentId: agent.id,
      versionId: version?.id,
      ownerId: owner,
    });
    const dispatcher = new AgentDispatchClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
    const outcomes = await Promise.all(
      plan.dispatches.map(async (dispatch) => {
        const created = await dispatcher.createDispatch(plan.roomName, SPAWNER_AGENT_NAME, {
          metadata: JSON.stringify(dispatch.metadata),
        });
        return livekit.waitForDispatchOutcome(created.id);
      }),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted']);
    expect(outcomes.map((o) => o.accepted?.participantAttributes[AGENT_ATTRIBUTES.role])).toEqual([
      'agent',
      'caller',
    ]);
    expect(new Set(outcomes.map((o) => o.accepted?.participantIdentity)).size).toBe(2);
    for (const outcome of outcomes) {
      expect(outcome.accepted?.participantAttributes[AGENT_ATTRIBUTES.agentId]).toBe(agent.id);
    }
  }, 60_000);
});
