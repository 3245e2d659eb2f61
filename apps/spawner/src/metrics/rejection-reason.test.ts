import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decideJob, resolveJobTarget } from '../job-decision.js';
import { evaluateJob } from '../request-handler.js';
import { rejectionReason } from './rejection-reason.js';

const agentId = randomUUID();

function reasonFor(facts: Parameters<typeof resolveJobTarget>[0]): string {
  const resolved = resolveJobTarget(facts);
  if (resolved.ok) throw new Error('expected a rejection');
  return resolved.reason;
}

// The labels come from the decision module's own reasons, so a reworded reason shows up here.
describe('rejectionReason', () => {
  it.each([
    ['a room matching no pattern', { roomName: 'lobby-42' }, 'room_not_served'],
    ['a malformed agent room', { roomName: 'agent-123-x' }, 'room_not_served'],
    ['a Voxie room', { roomName: 'voxie-creation-x' }, 'room_not_served'],
    [
      'metadata that is not JSON',
      { roomName: `agent-${agentId}-x`, dispatchMetadata: '{oops' },
      'invalid_metadata',
    ],
    [
      'metadata of the wrong shape',
      { roomName: `agent-${agentId}-x`, dispatchMetadata: '{"agentId": 5}' },
      'invalid_metadata',
    ],
    ['a simulation room with no agent id', { roomName: `sim-${agentId}-1` }, 'no_agent_id'],
  ] as const)('labels %s', (_label, facts, expected) => {
    expect(rejectionReason(reasonFor(facts))).toBe(expected);
  });

  it('labels decisions about the agent itself', async () => {
    const resolved = resolveJobTarget({ roomName: `agent-${agentId}-x` });
    if (!resolved.ok) throw new Error(resolved.reason);
    const missing = decideJob(resolved.target, undefined);
    const pinned = decideJob({ ...resolved.target, versionId: randomUUID() }, undefined);
    const noKey = decideJob(resolved.target, {
      agentId,
      name: 'A',
      versionId: randomUUID(),
      version: 1,
      problems: ['tts.provider: provider "elevenlabs" needs ELEVENLABS_API_KEY'],
    });
    const labels = [missing, pinned, noKey].map((decision) =>
      decision.accept ? 'accepted' : rejectionReason(decision.reason),
    );
    expect(labels).toEqual(['agent_unavailable', 'agent_unavailable', 'provider_unavailable']);

    const down = await evaluateJob(
      { roomName: `agent-${agentId}-x` },
      {
        get: () => Promise.reject(new Error('connection refused')),
      },
    );
    expect(down.decision.accept).toBe(false);
    if (!down.decision.accept) {
      expect(rejectionReason(down.decision.reason)).toBe('database_unavailable');
    }
    expect(rejectionReason('something new')).toBe('other');
  });
});
