import { randomInt } from 'node:crypto';
import { ConfigError } from './errors.js';

/**
 * The room-name conventions that route work between the apps (see ARCHITECTURE.md):
 *
 * | name                          | dispatched to |
 * |-------------------------------|---------------|
 * | `agent-{agentId}-{suffix}`    | spawner       |
 * | `voxie-creation-{suffix}`     | voxie         |
 * | `sim-{simulationId}-{run}`    | spawner       |
 *
 * Ids are lowercase UUIDs; suffixes are 1–64 characters of `[A-Za-z0-9]`; `run` is a whole
 * number without leading zeros.
 */
export type RoomName =
  | { kind: 'agent'; agentId: string; suffix: string }
  | { kind: 'voxie-creation'; suffix: string }
  | { kind: 'simulation'; simulationId: string; run: number };

export type RoomKind = RoomName['kind'];

export type ParsedRoomName = { ok: true; room: RoomName } | { ok: false; reason: string };

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SUFFIX = '[A-Za-z0-9]{1,64}';
const AGENT_ROOM = new RegExp(`^agent-(${UUID})-(${SUFFIX})$`, 'i');
const VOXIE_ROOM = new RegExp(`^voxie-creation-(${SUFFIX})$`);
const SIM_ROOM = new RegExp(`^sim-(${UUID})-(0|[1-9][0-9]{0,8})$`, 'i');
const UUID_ONLY = new RegExp(`^${UUID}$`, 'i');
const SUFFIX_ONLY = new RegExp(`^${SUFFIX}$`);
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const MAX_ROOM_NAME_LENGTH = 256;

/** A random URL-safe room suffix (default 12 characters, about 71 bits). */
export function randomRoomSuffix(length = 12): string {
  let suffix = '';
  for (let i = 0; i < length; i++) suffix += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return suffix;
}

/** `agent-{agentId}-{suffix}`; throws {@link ConfigError} for a non-UUID id or bad suffix. */
export function formatAgentRoomName(agentId: string, suffix: string = randomRoomSuffix()): string {
  return `agent-${checkUuid(agentId, 'agentId')}-${checkSuffix(suffix)}`;
}

/** `voxie-creation-{suffix}`; throws {@link ConfigError} for a bad suffix. */
export function formatVoxieCreationRoomName(suffix: string = randomRoomSuffix()): string {
  return `voxie-creation-${checkSuffix(suffix)}`;
}

/** `sim-{simulationId}-{run}`; throws {@link ConfigError} for a non-UUID id or bad run. */
export function formatSimulationRoomName(simulationId: string, run: number): string {
  if (!Number.isSafeInteger(run) || run < 0 || run > 999_999_999) {
    throw new ConfigError('invalid_room_name', 'run must be a whole number from 0 to 999999999');
  }
  return `sim-${checkUuid(simulationId, 'simulationId')}-${run}`;
}

/** Classifies a room name. Never throws: anything unrecognised gives `{ ok: false, reason }`. */
export function parseRoomName(name: unknown): ParsedRoomName {
  if (typeof name !== 'string') return { ok: false, reason: 'room name is not a string' };
  if (name.length === 0) return { ok: false, reason: 'room name is empty' };
  if (name.length > MAX_ROOM_NAME_LENGTH) {
    return { ok: false, reason: `room name is longer than ${MAX_ROOM_NAME_LENGTH} characters` };
  }
  const agent = AGENT_ROOM.exec(name);
  if (agent?.[1] && agent[2]) {
    return { ok: true, room: { kind: 'agent', agentId: agent[1].toLowerCase(), suffix: agent[2] } };
  }
  const voxie = VOXIE_ROOM.exec(name);
  if (voxie?.[1]) return { ok: true, room: { kind: 'voxie-creation', suffix: voxie[1] } };
  const sim = SIM_ROOM.exec(name);
  if (sim?.[1] && sim[2]) {
    return {
      ok: true,
      room: { kind: 'simulation', simulationId: sim[1].toLowerCase(), run: Number(sim[2]) },
    };
  }
  return { ok: false, reason: explainMismatch(name) };
}

function explainMismatch(name: string): string {
  if (name.startsWith('agent-')) return 'expected agent-{uuid}-{suffix}';
  if (name.startsWith('voxie-creation-')) return 'expected voxie-creation-{suffix}';
  if (name.startsWith('sim-')) return 'expected sim-{uuid}-{run}';
  return 'room name matches no Voxie pattern (agent-*, voxie-creation-*, sim-*)';
}

function checkUuid(id: string, field: string): string {
  if (!UUID_ONLY.test(id)) throw new ConfigError('invalid_room_name', `${field} must be a UUID`);
  return id.toLowerCase();
}

function checkSuffix(suffix: string): string {
  if (!SUFFIX_ONLY.test(suffix)) {
    throw new ConfigError('invalid_room_name', 'suffix must be 1-64 characters of A-Z, a-z, 0-9');
  }
  return suffix;
}
