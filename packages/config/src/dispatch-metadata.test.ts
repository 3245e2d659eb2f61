import { describe, expect, it } from 'vitest';
import { parseDispatchMetadata } from './dispatch-metadata.js';

const agentId = '123e4567-e89b-42d3-a456-426614174000';

describe('parseDispatchMetadata', () => {
  it('accepts empty metadata and valid objects, dropping unknown fields', () => {
    expect(parseDispatchMetadata(undefined)).toEqual({ ok: true, metadata: {} });
    expect(parseDispatchMetadata('  ')).toEqual({ ok: true, metadata: {} });
    expect(parseDispatchMetadata(JSON.stringify({ agentId, role: 'caller', extra: 1 }))).toEqual({
      ok: true,
      metadata: { agentId, role: 'caller' },
    });
  });

  it('explains what is wrong', () => {
    expect(parseDispatchMetadata('{agentId:')).toEqual({
      ok: false,
      reason: 'dispatch metadata is not valid JSON',
    });
    const bad = parseDispatchMetadata(JSON.stringify({ agentId: 'nope', role: 'boss' }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.reason).toContain('agentId');
      expect(bad.reason).toContain('role');
    }
    expect(parseDispatchMetadata('[1,2]').ok).toBe(false);
  });
});
