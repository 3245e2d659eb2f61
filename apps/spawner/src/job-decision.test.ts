import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AGENT_ATTRIBUTES, type AgentFacts, decideJob, resolveJobTarget } from './job-decision.js';

const agentId = randomUUID();
const otherId = randomUUID();
const facts = (id: string, problems: string[] = []): AgentFacts => ({
  agentId: id,
  name: 'Support',
  versionId: randomUUID(),
  version: 3,
  problems,
});

function target(roomName: string, dispatchMetadata?: string, roomMetadata?: string) {
  const resolved = resolveJobTarget({ roomName, dispatchMetadata, roomMetadata });
  if (!resolved.ok) throw new Error(resolved.reason);
  return resolved.target;
}

describe('resolveJobTarget', () => {
  it('takes the agent id from the room name', () => {
    expect(target(`agent-${agentId}-x`)).toMatchObject({ agentId, source: 'room_name' });
  });

  it('prefers dispatch metadata, then room metadata (agentId or agent_id)', () => {
    expect(target(`agent-${agentId}-x`, JSON.stringify({ agentId: otherId }))).toMatchObject({
      agentId: otherId,
      source: 'dispatch_metadata',
    });
    expect(target(`agent-${agentId}-x`, '', JSON.stringify({ agent_id: otherId }))).toMatchObject({
      agentId: otherId,
      source: 'room_metadata',
    });
    // Unreadable room metadata is not the caller's intent: fall back to the name.
    expect(target(`agent-${agentId}-x`, '', '{oops')).toMatchObject({
      agentId,
      source: 'room_name',
    });
    const versionId = randomUUID();
    expect(target(`agent-${agentId}-x`, JSON.stringify({ versionId }))).toMatchObject({
      agentId,
      versionId,
    });
  });

  it('runs the agent side of simulation rooms named in the dispatch', () => {
    const sim = `sim-${randomUUID()}-0`;
    expect(target(sim, JSON.stringify({ agentId, role: 'agent' }))).toMatchObject({
      agentId,
      room: { kind: 'simulation' },
    });
    // The caller side runs here too (persona-driven, see simulation-side.ts).
    expect(target(sim, JSON.stringify({ agentId, role: 'caller' }))).toMatchObject({
      agentId,
      metadata: { role: 'caller' },
    });
    expect(resolveJobTarget({ roomName: sim })).toEqual({
      ok: false,
      reason: `no agent id in dispatch metadata or room metadata for ${sim}`,
    });
  });

  it.each([
    ['voxie-creation-abc', /belongs to Voxie/],
    ['agent-123-x', /expected agent-\{uuid\}-\{suffix\}/],
    ['lobby', /matches no Voxie pattern/],
    ['', /room name is empty/],
  ])('refuses room %j', (roomName, reason) => {
    const resolved = resolveJobTarget({ roomName });
    expect(resolved.ok).toBe(false);
    expect(resolved.ok ? '' : resolved.reason).toMatch(reason);
  });

  it('refuses invalid dispatch metadata, naming the problem', () => {
    expect(
      resolveJobTarget({ roomName: `agent-${agentId}-x`, dispatchMetadata: '{not json' }),
    ).toEqual({
      ok: false,
      reason: 'dispatch metadata is not valid JSON',
    });
    const invalid = resolveJobTarget({
      roomName: `agent-${agentId}-x`,
      dispatchMetadata: JSON.stringify({ agentId: 'nope' }),
    });
    expect(invalid.ok ? '' : invalid.reason).toMatch(/^dispatch metadata is invalid: agentId: /);
  });
});

describe('decideJob', () => {
  it('accepts a runnable agent with a descriptive name and attributes', () => {
    const agent = facts(agentId);
    const decision = decideJob(target(`agent-${agentId}-x`), agent);
    expect(decision).toEqual({
      accept: true,
      agentId,
      versionId: agent.versionId,
      participantName: 'Support (v3)',
      participantAttributes: {
        [AGENT_ATTRIBUTES.agentId]: agentId,
        [AGENT_ATTRIBUTES.versionId]: agent.versionId,
        [AGENT_ATTRIBUTES.version]: '3',
        [AGENT_ATTRIBUTES.role]: 'agent',
      },
    });
  });

  it('rejects unknown or unpublished agents and agents this deployment cannot run', () => {
    expect(decideJob(target(`agent-${agentId}-x`), undefined)).toEqual({
      accept: false,
      reason: `agent ${agentId} does not exist, is archived or has no published version`,
    });
    expect(
      decideJob(
        target(`agent-${agentId}-x`),
        facts(agentId, ['tts.provider: needs CARTESIA_API_KEY']),
      ),
    ).toEqual({
      accept: false,
      reason: `agent ${agentId} cannot run here: tts.provider: needs CARTESIA_API_KEY`,
    });
  });
});
