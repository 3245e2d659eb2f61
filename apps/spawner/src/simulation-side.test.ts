import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { initializeLogger, voice } from '@livekit/agents';
import { ParticipantKind, type RemoteParticipant, type Room, RoomEvent } from '@livekit/rtc-node';
import {
  AgentDefinition,
  ProviderRegistry,
  SIMULATION_ROLE_ATTRIBUTE,
  type SimulationRole,
} from '@voxie/agent-core';
import { createLogger } from '@voxie/config';
import { AgentRepository, type Database, SessionRepository, SimulationRepository } from '@voxie/db';
import { openTestDatabase } from '@voxie/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadSimulationRun, startSimulationSide } from './simulation-side.js';

describe('simulation side (room mode)', () => {
  let db: { database: Database; cleanup(): Promise<void> };
  const owner = randomUUID();

  beforeAll(async () => {
    db = await openTestDatabase('spawner_simulation_side');
  });
  afterAll(() => db?.cleanup());

  it('finds the persona and scenario of the dispatched run in the stored config', async () => {
    const simulation = await new SimulationRepository(db.database.db).create({
      ownerId: owner,
      mode: 'room',
      config: {
        scenarios: ['billing-dispute', { name: 'custom', callerWants: 'A callback.' }],
        personas: ['calm-customer', 'angry-customer'],
        runs: 1,
      },
    });
    const plan = (runIndex: number) =>
      loadSimulationRun(db.database, owner, {
        simulationId: simulation.id,
        runIndex,
        role: 'caller',
      });
    expect(await plan(1)).toMatchObject({
      runIndex: 1,
      scenario: { name: 'billing-dispute' },
      persona: { name: 'angry-customer', displayName: 'Tom Becker' },
    });
    expect(await plan(2)).toMatchObject({
      scenario: { name: 'custom', callerWants: 'A callback.' },
      persona: { name: 'calm-customer' },
    });
    expect(await plan(4)).toBeUndefined();
    // Another owner's simulation, or metadata without a run, is not found.
    expect(
      await loadSimulationRun(db.database, randomUUID(), {
        simulationId: simulation.id,
        runIndex: 0,
      }),
    ).toBeUndefined();
    expect(
      await loadSimulationRun(db.database, owner, { simulationId: simulation.id }),
    ).toBeUndefined();
  });

  describe('startSimulationSide', () => {
    const definition = AgentDefinition.parse({
      schemaVersion: 1,
      name: 'Support',
      instructions: 'Help.',
      greeting: { mode: 'wait' },
      llm: { provider: 'openai', model: 'gpt-4.1-mini' },
      stt: { provider: 'deepgram', model: 'nova-3' },
      tts: { provider: 'cartesia', voice: 'v' },
      turnHandling: { vad: false, turnDetector: false },
    });
    const registry = new ProviderRegistry({
      openaiApiKey: 'sk-test',
      deepgramApiKey: 'dg-test',
      cartesiaApiKey: 'ca-test',
    });

    afterEach(() => vi.restoreAllMocks());

    /** A room the peer joins a moment after the side starts waiting. */
    function roomWithPeer(peerRole: SimulationRole): Room {
      const room = new EventEmitter() as EventEmitter & {
        remoteParticipants: Map<string, unknown>;
      };
      room.remoteParticipants = new Map();
      setTimeout(() => {
        const peer = {
          identity: `peer-${peerRole}`,
          kind: ParticipantKind.AGENT,
          attributes: { [SIMULATION_ROLE_ATTRIBUTE]: peerRole },
        } as unknown as RemoteParticipant;
        room.remoteParticipants.set(peer.identity, peer);
        room.emit(RoomEvent.ParticipantConnected, peer);
      }, 20);
      return room as unknown as Room;
    }

    it.each(['agent', 'caller'] as const)(
      'the %s side starts its session listening to AGENT participants, linked to the peer',
      async (role) => {
        initializeLogger({ pretty: false, level: 'silent' });
        // The framework's session start needs a real LiveKit room; record what it is given.
        const starts: Array<Parameters<voice.AgentSession['start']>[0]> = [];
        vi.spyOn(voice.AgentSession.prototype, 'start').mockImplementation(async (args) => {
          starts.push(args);
        });
        const simulation = await new SimulationRepository(db.database.db).create({
          ownerId: owner,
          mode: 'room',
          config: {
            scenarios: [{ name: 'callback', callerWants: 'A callback.' }],
            personas: ['calm-customer'],
          },
        });
        await new SimulationRepository(db.database.db).planRuns(simulation.id, owner, [
          { runIndex: 0, scenario: 'callback', persona: 'calm-customer' },
        ]);
        const roomName = `sim-${simulation.id}-0`;
        const agents = new AgentRepository(db.database.db);
        const stored = await agents.create({ ownerId: owner, name: 'Support', draft: definition });
        const version = await agents.publish(owner, stored.id);
        const agentId = stored.id;
        const side = await startSimulationSide({
          role,
          metadata: { simulationId: simulation.id, runIndex: 0, role },
          agent: {
            agentId,
            ownerId: owner,
            name: 'Support',
            versionId: version?.id ?? '',
            version: 1,
            definition,
            problems: [],
          },
          room: roomWithPeer(role === 'agent' ? 'caller' : 'agent'),
          roomName,
          database: db.database,
          registry,
          secrets: () => undefined,
          logger: createLogger({ name: 'test', level: 'silent' }),
          peerTimeoutMs: 2_000,
        });
        expect(starts).toHaveLength(1);
        const options = starts[0]?.inputOptions;
        expect(options?.participantKinds).toEqual(
          expect.arrayContaining([ParticipantKind.AGENT, ParticipantKind.STANDARD]),
        );
        expect(options?.participantIdentity).toBe(`peer-${role === 'agent' ? 'caller' : 'agent'}`);
        if (role === 'agent') {
          // The agent side records into the run's session.
          const session = await new SessionRepository(db.database.db).findByRoomName(roomName);
          expect(session?.kind).toBe('simulation');
          const run = await new SimulationRepository(db.database.db).getRun(simulation.id, 0);
          expect(run?.sessionId).toBe(session?.id);
        } else {
          expect(starts[0]?.agent.instructions).toContain('You are Maria Lopez.');
        }
        void side.stop('test_done');
      },
    );
  });
});
