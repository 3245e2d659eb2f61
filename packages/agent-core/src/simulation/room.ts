import { type llm, type VAD, voice } from '@livekit/agents';
import { ParticipantKind, type RemoteParticipant, type Room, RoomEvent } from '@livekit/rtc-node';
import { type DispatchMetadata, formatSimulationRoomName } from '@voxie/config';
import type { AgentDefinition } from '../agent-definition.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { Persona, Scenario } from './schemas.js';
import { callerInstructions } from './text-simulation.js';

/**
 * Room mode: both sides of a simulated call are agents in one LiveKit room `sim-{id}-{run}`,
 * each dispatched explicitly with its role. Agents do not hear agents by default (the input's
 * default participant kinds exclude AGENT, and `waitForParticipant` skips them), so each side
 * waits for the other agent itself and links its input to it.
 */

export type SimulationRole = 'caller' | 'agent';

/** Participant attribute carrying the role (the spawner sets it when it accepts a job). */
export const SIMULATION_ROLE_ATTRIBUTE = 'voxie.role';

/** Participant kinds a simulation side listens to: the framework's defaults plus AGENT. */
export const SIMULATION_PARTICIPANT_KINDS: readonly ParticipantKind[] = [
  ParticipantKind.CONNECTOR,
  ParticipantKind.SIP,
  ParticipantKind.STANDARD,
  ParticipantKind.AGENT,
];

export interface SimulationDispatchInput {
  simulationId: string;
  runIndex: number;
  agentId: string;
  versionId?: string;
  ownerId?: string;
  /** The session both sides record to. */
  sessionId?: string;
}

/** The room and the two dispatches (agent first, then caller) of one room-mode run. */
export function planSimulationRoom(input: SimulationDispatchInput): {
  roomName: string;
  dispatches: Array<{ role: SimulationRole; metadata: DispatchMetadata }>;
} {
  const common: DispatchMetadata = {
    agentId: input.agentId,
    versionId: input.versionId,
    simulationId: input.simulationId,
    runIndex: input.runIndex,
    sessionId: input.sessionId,
    ownerId: input.ownerId,
  };
  return {
    roomName: formatSimulationRoomName(input.simulationId, input.runIndex),
    dispatches: (['agent', 'caller'] as const).map((role) => ({
      role,
      metadata: { ...common, role },
    })),
  };
}

/** `session.start({ room, inputOptions })` options of one side, linked to its peer. */
export function simulationInputOptions(peerIdentity?: string): Partial<voice.RoomInputOptions> {
  return {
    participantKinds: [...SIMULATION_PARTICIPANT_KINDS],
    ...(peerIdentity ? { participantIdentity: peerIdentity } : {}),
  };
}

function isPeer(participant: RemoteParticipant, ownRole: SimulationRole): boolean {
  const wanted: SimulationRole = ownRole === 'caller' ? 'agent' : 'caller';
  return (
    participant.kind === ParticipantKind.AGENT &&
    participant.attributes[SIMULATION_ROLE_ATTRIBUTE] === wanted
  );
}

/**
 * Resolves with the other side's participant (an AGENT whose role attribute is the opposite
 * role) once it is in the room; rejects after `timeoutMs`.
 */
export function waitForSimulationPeer(
  room: Pick<Room, 'remoteParticipants' | 'on' | 'off'>,
  ownRole: SimulationRole,
  timeoutMs = 30_000,
): Promise<RemoteParticipant> {
  const present = [...room.remoteParticipants.values()].find((p) => isPeer(p, ownRole));
  if (present) return Promise.resolve(present);
  return new Promise((resolve, reject) => {
    const check = (participant: RemoteParticipant) => {
      if (!isPeer(participant, ownRole)) return;
      cleanup();
      resolve(participant);
    };
    const onAttributes = (_changed: Record<string, string>, participant: unknown) =>
      check(participant as RemoteParticipant);
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new Error(
          `the simulation's ${ownRole === 'caller' ? 'agent' : 'caller'} did not join within ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      room.off(RoomEvent.ParticipantConnected, check);
      room.off(RoomEvent.ParticipantAttributesChanged, onAttributes);
    };
    room.on(RoomEvent.ParticipantConnected, check);
    room.on(RoomEvent.ParticipantAttributesChanged, onAttributes);
  });
}

export interface SimulatedCallerOptions {
  persona: Persona;
  scenario: Scenario;
  /** The agent under test's definition: the caller speaks and listens with its providers. */
  definition: AgentDefinition;
  registry: ProviderRegistry;
  /** The caller's model; default the definition's. */
  llm?: llm.LLM;
  vad?: VAD;
}

/** The persona-driven caller as a voice agent for room mode (STT/TTS of the definition). */
export function buildSimulatedCaller(options: SimulatedCallerOptions): {
  agent: voice.Agent;
  sessionOptions: voice.AgentSessionOptions;
} {
  const { definition, registry } = options;
  return {
    agent: new voice.Agent({ instructions: callerInstructions(options.persona, options.scenario) }),
    sessionOptions: {
      llm: options.llm ?? registry.createLlm(definition.llm),
      stt: registry.createStt(definition.stt, definition.language),
      tts: registry.createTts(definition.tts, definition.language),
      vad: options.vad ?? null,
      turnHandling: { turnDetection: options.vad ? 'vad' : 'stt' },
      userAwayTimeout: null,
    },
  };
}
