import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decideVoxieJob } from '../job-decision.js';
import { voxieRejectionReason } from './rejection-reason.js';

// The labels come from the decision's own reasons, so a reworded reason shows up here.
describe('voxieRejectionReason', () => {
  it.each([
    ['a spawner room', { roomName: `agent-${randomUUID()}-x` }, 'room_not_served'],
    ['a room matching no pattern', { roomName: 'lobby-1' }, 'room_not_served'],
    [
      'metadata that is not JSON',
      { roomName: 'voxie-creation-x', dispatchMetadata: '{oops' },
      'invalid_metadata',
    ],
    [
      'metadata of the wrong shape',
      { roomName: 'voxie-creation-x', dispatchMetadata: '{"ownerId": 5}' },
      'invalid_metadata',
    ],
  ] as const)('labels %s', (_label, facts, expected) => {
    const decision = decideVoxieJob(facts);
    expect(decision.accept).toBe(false);
    if (!decision.accept) expect(voxieRejectionReason(decision.reason)).toBe(expected);
    expect(voxieRejectionReason('something new')).toBe('other');
  });
});
