import type { ApiKeyRepository } from '@voxie/db';
import { hashApiKey } from './api-key-secrets.js';
import type { Caller } from './caller.js';
import { Scope } from './scopes.js';

interface CacheEntry {
  caller: Caller | null;
  expiresAt: number;
  keyExpiresAt: number | null;
}

/**
 * Resolves API keys to callers. Answers are cached for `cacheTtlMs` (default 5 s) so the hot
 * paths do not hit the database per request; revoking through this instance takes effect at
 * once, and other replicas see it within the TTL.
 */
export class ApiKeyAuthenticator {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly cacheTtlMs = 5_000,
    private readonly maxEntries = 10_000,
  ) {}

  /**
   * The caller for `key`, or null when it is unknown, revoked or expired. Synchronous while the
   * answer is cached (every request but the first few), a promise when the database is asked.
   */
  authenticate(key: string, now = Date.now()): Caller | null | Promise<Caller | null> {
    const hash = hashApiKey(key);
    const cached = this.cache.get(hash);
    if (
      cached &&
      cached.expiresAt > now &&
      (cached.keyExpiresAt === null || cached.keyExpiresAt > now)
    ) {
      return cached.caller;
    }
    return this.lookUp(hash, now);
  }

  private async lookUp(hash: string, now: number): Promise<Caller | null> {
    const row = await this.keys.findActiveByHash(hash, new Date(now));
    const caller: Caller | null = row
      ? {
          kind: 'api_key',
          ownerId: row.ownerId,
          keyId: row.id,
          identity: `key-${row.id}`,
          scopes: new Set(row.scopes.filter((s): s is Scope => Scope.safeParse(s).success)),
        }
      : null;
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(hash, {
      caller,
      expiresAt: now + this.cacheTtlMs,
      keyExpiresAt: row?.expiresAt ? row.expiresAt.getTime() : null,
    });
    return caller;
  }

  /** Drops cached answers for a key id (after revocation). */
  forget(keyId: string): void {
    for (const [hash, entry] of this.cache) {
      if (entry.caller?.keyId === keyId) this.cache.delete(hash);
    }
  }
}
