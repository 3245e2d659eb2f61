import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import {
  formatAgentRoomName,
  formatSimulationRoomName,
  formatVoxieCreationRoomName,
  parseRoomName,
  randomRoomSuffix,
} from './room-names.js';

const suffix = fc.stringMatching(/^[A-Za-z0-9]{1,64}$/);
const run = fc.integer({ min: 0, max: 999_999_999 });

describe('room names', () => {
  it('round-trips agent rooms', () => {
    fc.assert(
      fc.property(fc.uuid(), suffix, (agentId, sfx) => {
        const parsed = parseRoomName(formatAgentRoomName(agentId, sfx));
        expect(parsed).toEqual({
          ok: true,
          room: { kind: 'agent', agentId: agentId.toLowerCase(), suffix: sfx },
        });
      }),
    );
  });

  it('round-trips voxie-creation rooms', () => {
    fc.assert(
      fc.property(suffix, (sfx) => {
        expect(parseRoomName(formatVoxieCreationRoomName(sfx))).toEqual({
          ok: true,
          room: { kind: 'voxie-creation', suffix: sfx },
        });
      }),
    );
  });

  it('round-trips simulation rooms', () => {
    fc.assert(
      fc.property(fc.uuid(), run, (simulationId, r) => {
        expect(parseRoomName(formatSimulationRoomName(simulationId, r))).toEqual({
          ok: true,
          room: { kind: 'simulation', simulationId: simulationId.toLowerCase(), run: r },
        });
      }),
    );
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const parsed = parseRoomName(value);
        expect(typeof parsed.ok).toBe('boolean');
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (value) => {
        const parsed = parseRoomName(value);
        if (!parsed.ok) expect(parsed.reason.length).toBeGreaterThan(0);
      }),
    );
  });

  it('rejects near-misses with a reason', () => {
    const id = '123e4567-e89b-42d3-a456-426614174000';
    for (const name of [
      'agent-123-abc',
      `agent-${id}`,
      `agent-${id}-`,
      `agent-${id}-bad!suffix`,
      'voxie-creation-',
      'voxie-creationx',
      `sim-${id}-01`,
      `sim-${id}--1`,
      'room-1',
      '',
      'x'.repeat(300),
    ]) {
      const parsed = parseRoomName(name);
      expect(parsed.ok, name).toBe(false);
    }
    expect(parseRoomName(`agent-${id}`)).toEqual({
      ok: false,
      reason: 'expected agent-{uuid}-{suffix}',
    });
  });

  it('refuses to format invalid parts', () => {
    expect(() => formatAgentRoomName('not-a-uuid')).toThrow(ConfigError);
    expect(() => formatVoxieCreationRoomName('has space')).toThrow(ConfigError);
    expect(() => formatSimulationRoomName('123e4567-e89b-42d3-a456-426614174000', -1)).toThrow(
      ConfigError,
    );
  });

  it('makes unique URL-safe suffixes', () => {
    const suffixes = new Set(Array.from({ length: 1000 }, () => randomRoomSuffix()));
    expect(suffixes.size).toBe(1000);
    for (const s of suffixes) expect(s).toMatch(/^[A-Za-z0-9]{12}$/);
  });
});
