import type { ApiKeyRepository } from '@voxie/db';
import { describe, expect, it } from 'vitest';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { hashApiKey } from './api-key-secrets.js';

const KEY = `vx_${'k'.repeat(43)}`;

/** A repository holding one key; counts how often the database would be asked. */
function repositoryWith(row: { expiresAt: Date | null } | undefined) {
  const calls: string[] = [];
  const keys = {
    async findActiveByHash(hash: string, now: Date) {
      calls.push(hash);
      if (!row || hash !== hashApiKey(KEY)) return undefined;
      if (row.expiresAt && row.expiresAt <= now) return undefined;
      return { id: 'key-1', ownerId: 'owner-1', scopes: ['agents:read', 'bogus'], ...row };
    },
  } as unknown as ApiKeyRepository;
  return { keys, calls };
}

describe('ApiKeyAuthenticator', () => {
  it('asks the database once, then answers synchronously from its cache', async () => {
    const { keys, calls } = repositoryWith({ expiresAt: null });
    const authenticator = new ApiKeyAuthenticator(keys, 5_000);
    const first = authenticator.authenticate(KEY, 1_000);
    expect(first).toBeInstanceOf(Promise);
    const caller = await first;
    expect(caller).toMatchObject({ kind: 'api_key', ownerId: 'owner-1', keyId: 'key-1' });
    expect([...(caller?.scopes ?? [])]).toEqual(['agents:read']);

    const cached = authenticator.authenticate(KEY, 2_000);
    expect(cached).not.toBeInstanceOf(Promise);
    expect(cached).toBe(caller);
    expect(calls).toHaveLength(1);

    // past the cache TTL the database is asked again
    await authenticator.authenticate(KEY, 7_000);
    expect(calls).toHaveLength(2);
  });

  it('caches unknown keys as null, and stops accepting a key when it expires', async () => {
    const unknown = repositoryWith(undefined);
    const none = new ApiKeyAuthenticator(unknown.keys);
    expect(await none.authenticate(KEY, 1_000)).toBeNull();
    expect(none.authenticate(KEY, 1_001)).toBeNull();
    expect(unknown.calls).toHaveLength(1);

    const expiring = repositoryWith({ expiresAt: new Date(1_500) });
    const authenticator = new ApiKeyAuthenticator(expiring.keys, 60_000);
    expect(await authenticator.authenticate(KEY, 1_000)).not.toBeNull();
    expect(await authenticator.authenticate(KEY, 1_600)).toBeNull();
  });

  it('forgets a revoked key at once', async () => {
    const { keys, calls } = repositoryWith({ expiresAt: null });
    const authenticator = new ApiKeyAuthenticator(keys, 60_000);
    await authenticator.authenticate(KEY, 1_000);
    authenticator.forget('key-1');
    expect(authenticator.authenticate(KEY, 1_001)).toBeInstanceOf(Promise);
    expect(calls).toHaveLength(2);
  });
});
