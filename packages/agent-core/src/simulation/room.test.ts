import { EventEmitter } from 'node:events';
import { ParticipantKind, type RemoteParticipant, RoomEvent } from '@livekit/rtc-node';
import { parseDispatchMetadata, parseRoomName } from '@voxie/config';
import { describe, expect, it } from 'vitest';
import { AgentDefinition } from '../agent-definition.js';
import { ProviderRegistry } from '../providers/provider-registry.js';
import { PERSONA_LIBRARY, SCENARIO_LIBRARY } from './library.js';
import {
  buildSimulatedCaller,
  planSimulationRoom,
  SIMULATION_ROLE_ATTRIBUTE,
  simulationInputOptions,
  waitForSimulationPeer,
} from './room.js';

const simulationId = '0b6f2a3e-8e0c-4a57-9d7e-1f2a3b4c5d6e';
const agentId = '7d3f1c2b-1111-4a57-9d7e-1f2a3b4c5d6e';

function participant(identity: string, kind: ParticipantKind, role?: string): RemoteParticipant {
  return {
    identity,
    kind,
    attributes: role ? { [SIMULATION_ROLE_ATTRIBUTE]: role } : {},
  } as unknown as RemoteParticipant;
}

class FakeRoom extends EventEmitter {
  remoteParticipants = new Map<string, RemoteParticipant>();
  join(p: RemoteParticipant) {
    this.remoteParticipants.set(p.identity, p);
    this.emit(RoomEvent.ParticipantConnected, p);
  }
}

describe('room mode', () => {
  it('plans one sim room with an agent and a caller dispatch whose metadata the workers parse', () => {
    const plan = planSimulationRoom({ simulationId, runIndex: 3, agentId, ownerId: agentId });
    expect(plan.roomName).toBe(`sim-${simulationId}-3`);
    expect(parseRoomName(plan.roomName)).toEqual({
      ok: true,
      room: { kind: 'simulation', simulationId, run: 3 },
    });
    const parsed = plan.dispatches.map((d) => parseDispatchMetadata(JSON.stringify(d.metadata)));
    expect(parsed).toEqual([
      {
        ok: true,
        metadata: { agentId, ownerId: agentId, simulationId, runIndex: 3, role: 'agent' },
      },
      {
        ok: true,
        metadata: { agentId, ownerId: agentId, simulationId, runIndex: 3, role: 'caller' },
      },
    ]);
  });

  it('listens to agents as well as people and links to the peer', () => {
    const options = simulationInputOptions('caller-identity');
    expect(options.participantKinds).toContain(ParticipantKind.AGENT);
    expect(options.participantKinds).toContain(ParticipantKind.STANDARD);
    expect(options.participantKinds).toContain(ParticipantKind.SIP);
    expect(options.participantIdentity).toBe('caller-identity');
  });

  it('waits for the other side, ignoring people and agents of the same role', async () => {
    const room = new FakeRoom();
    room.join(participant('human', ParticipantKind.STANDARD, 'caller'));
    const waiting = waitForSimulationPeer(room as never, 'agent', 2_000);
    room.join(participant('other-agent', ParticipantKind.AGENT, 'agent'));
    room.join(participant('caller-bot', ParticipantKind.AGENT, 'caller'));
    expect((await waiting).identity).toBe('caller-bot');
    // Already present: resolves at once.
    expect((await waitForSimulationPeer(room as never, 'agent', 10)).identity).toBe('caller-bot');
    await expect(waitForSimulationPeer(new FakeRoom() as never, 'caller', 20)).rejects.toThrow(
      /agent did not join within 20 ms/,
    );
    expect(room.listenerCount(RoomEvent.ParticipantConnected)).toBe(0);
  });

  it('builds the caller as a voice agent with the persona and scenario in its instructions', () => {
    const definition = AgentDefinition.parse({
      schemaVersion: 1,
      name: 'Support',
      instructions: 'Help.',
      greeting: { mode: 'wait' },
      llm: { provider: 'openai', model: 'gpt-4.1-mini' },
      stt: { provider: 'openai', model: 'gpt-4o-transcribe' },
      tts: { provider: 'openai', voice: 'alloy' },
    });
    const caller = buildSimulatedCaller({
      persona: PERSONA_LIBRARY.get('angry-customer') ?? expect.fail('persona'),
      scenario: SCENARIO_LIBRARY.get('angry-caller') ?? expect.fail('scenario'),
      definition,
      registry: new ProviderRegistry({ openaiApiKey: 'sk-test' }),
    });
    expect(caller.agent.instructions).toContain('You are Tom Becker.');
    expect(caller.agent.instructions).toContain('account number: His account number is 9020.');
    expect(caller.sessionOptions.stt).toBeDefined();
    expect(caller.sessionOptions.tts).toBeDefined();
  });
});
