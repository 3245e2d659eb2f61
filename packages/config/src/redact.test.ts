import { describe, expect, it } from 'vitest';
import { isSecretKey, redactDeep, redactString, redactUrl } from './redact.js';

describe('redaction', () => {
  it('recognises secret keys but not look-alikes', () => {
    for (const key of [
      'LIVEKIT_API_SECRET',
      'apiKey',
      'x-api-key',
      'authorization',
      'accessToken',
      'token',
      'DATABASE_URL',
      'password',
      'set-cookie',
    ]) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of ['tokensMinted', 'room', 'name', 'ownerId', 'tokenTtlSeconds']) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });

  it('masks credentials inside text', () => {
    expect(redactString('auth: Bearer abc.def')).toBe('auth: Bearer [redacted]');
    expect(redactString('redis://:pw@host:6379/0')).toBe('redis://:[redacted]@host:6379/0');
    expect(redactString('key vx_0123456789abcdef used')).toBe('key [redacted] used');
  });

  it('prints URLs without passwords or query strings', () => {
    expect(redactUrl('postgres://u:p%40ss@h:5432/db?sslmode=require&password=x')).toBe(
      'postgres://u:[redacted]@h:5432/db',
    );
    expect(redactUrl('postgres://h/db')).toBe('postgres://h/db');
    expect(redactUrl('not a url')).toBe('[redacted]');
  });

  it('handles cycles', () => {
    const value: Record<string, unknown> = { a: 1 };
    value.self = value;
    expect(redactDeep(value)).toEqual({ a: 1, self: '[circular]' });
  });
});
