import { describe, expect, it } from 'vitest';
import { normalizeMessage } from './normalize.js';

describe('normalizeMessage', () => {
  it('collapses variants that differ only in ids, numbers, times, addresses and names', () => {
    const variants = [
      [
        'assignment for job AJ_Lm3Pq9Rs2TuV timed out',
        'assignment for job AJ_Xy7Wv6Ut5Sr4 timed out',
      ],
      [
        'sample rate mismatch: expected 48000, got 24000',
        'sample rate mismatch: expected 16000, got 8000',
      ],
      [
        'Post "https://a.example.com/hook": dial tcp 10.0.3.7:443: connect: connection refused',
        'Post "https://b.example.com/hook": dial tcp 10.0.3.9:443: connect: connection refused',
      ],
      ['participant PA_u4fS9cLm2QbN not found', 'participant PA_Yy7Zz8Aa9Bb0 not found'],
      [
        'room agent-3f1c2b8a-1234-4c5d-9e8f-0123456789ab-x7y8 closed at 2024-05-20T10:00:01.120Z',
        'room agent-9b7e1d20-5678-4abc-8def-fedcba987654-p2q3 closed at 2024-05-21T11:30:00Z',
      ],
      ['room=support-line participant=alice left', 'room=sales participant=bob left'],
      ['invalid API key: APIstaging01x', 'invalid API key: APIprod0042kk'],
      [
        'invalid token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl, error: x',
        'invalid token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiIn0.b3RoZXJzaWc, error: x',
      ],
      [
        'request 123e4567-e89b-12d3-a456-426614174000 failed',
        'request 9f8e7d6c-5b4a-4321-9876-0fedcba98765 failed',
      ],
    ] as const;
    for (const [a, b] of variants) expect(normalizeMessage(a), a).toBe(normalizeMessage(b));
  });

  it('keeps different errors apart and leaves words with digits (sha256, gpt-4o) intact', () => {
    expect(normalizeMessage('token is expired (exp)')).not.toBe(
      normalizeMessage('token not valid yet (nbf)'),
    );
    expect(normalizeMessage('participant active')).toBe('participant active');
    expect(normalizeMessage('sha256 checksum of body does not match')).toBe(
      'sha256 checksum of body does not match',
    );
    expect(normalizeMessage('Rate limit reached for gpt-4o-mini')).toContain('gpt-4o-mini');
    expect(normalizeMessage('APIStatusError: boom')).toBe('APIStatusError: boom');
  });
});
