import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decideVoxieJob, resolveOwner, VOXIE_OWNER_ATTRIBUTE } from './job-decision.js';

describe('decideVoxieJob', () => {
  it('accepts voxie-creation rooms and passes the dispatch metadata on', () => {
    const ownerId = randomUUID();
    const agentId = randomUUID();
    expect(
      decideVoxieJob({
        roomName: 'voxie-creation-abc123',
        dispatchMetadata: JSON.stringify({ ownerId, agentId, extra: 1 }),
      }),
    ).toEqual({ accept: true, metadata: { ownerId, agentId } });
    expect(decideVoxieJob({ roomName: 'voxie-creation-x' })).toEqual({
      accept: true,
      metadata: {},
    });
  });

  it.each([
    [`agent-${randomUUID()}-x`, /not a Voxie creation room/],
    [`sim-${randomUUID()}-1`, /not a Voxie creation room/],
    ['voxie-creation-has-dash', /expected voxie-creation-\{suffix\}/],
    ['', /room name is empty/],
  ])('rejects room %j', (roomName, reason) => {
    const decision = decideVoxieJob({ roomName });
    expect(decision.accept).toBe(false);
    expect(!decision.accept && decision.reason).toMatch(reason);
  });

  it('rejects metadata that does not parse', () => {
    const decision = decideVoxieJob({ roomName: 'voxie-creation-x', dispatchMetadata: '{oops' });
    expect(decision).toEqual({ accept: false, reason: 'dispatch metadata is not valid JSON' });
  });
});

describe('resolveOwner', () => {
  const owner = randomUUID();

  it('takes the dispatch owner; a matching attribute is fine', () => {
    expect(resolveOwner(owner, {})).toEqual({ ok: true, ownerId: owner });
    expect(resolveOwner(owner, { [VOXIE_OWNER_ATTRIBUTE]: owner.toUpperCase() })).toEqual({
      ok: true,
      ownerId: owner,
    });
  });

  it('refuses a participant whose attribute names someone else', () => {
    const result = resolveOwner(owner, { [VOXIE_OWNER_ATTRIBUTE]: randomUUID() });
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/another owner/) });
  });

  it('falls back to the attribute, and refuses when neither names an owner', () => {
    const other = randomUUID();
    expect(resolveOwner(undefined, { [VOXIE_OWNER_ATTRIBUTE]: other })).toEqual({
      ok: true,
      ownerId: other,
    });
    expect(resolveOwner(undefined, { name: 'me' })).toMatchObject({ ok: false });
    expect(resolveOwner(undefined, { [VOXIE_OWNER_ATTRIBUTE]: 'admin' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not a UUID/),
    });
  });
});
