import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openMigratedTestDatabase, type TestDatabase } from '../test-databases.js';
import { ApiKeyRepository } from './api-key-repository.js';

const hash = (key: string) => createHash('sha256').update(key).digest('hex');

describe.each(BACKENDS)('ApiKeyRepository on %s', (backend) => {
  let test: TestDatabase;
  let keys: ApiKeyRepository;
  const owner = randomUUID();

  beforeAll(async () => {
    test = await openMigratedTestDatabase(backend, 'apikeys');
    keys = new ApiKeyRepository(test.database.db);
  });
  afterAll(() => test.cleanup());

  it('finds active keys by hash only, and revokes them for their owner', async () => {
    const created = await keys.create({
      ownerId: owner,
      name: 'ci',
      prefix: 'vx_abc',
      keyHash: hash('vx_abc123'),
      scopes: ['agents:read'],
    });
    expect(created.scopes).toEqual(['agents:read']);
    expect((await keys.findActiveByHash(hash('vx_abc123')))?.id).toBe(created.id);
    expect(await keys.findActiveByHash(hash('vx_other'))).toBeUndefined();

    expect(await keys.revoke(randomUUID(), created.id)).toBe(false);
    expect(await keys.revoke(owner, created.id)).toBe(true);
    expect(await keys.revoke(owner, created.id)).toBe(false);
    expect(await keys.findActiveByHash(hash('vx_abc123'))).toBeUndefined();
    expect((await keys.list(owner)).map((k) => k.id)).toEqual([created.id]);
  });

  it('treats expired keys as inactive', async () => {
    await keys.create({
      ownerId: owner,
      name: 'short-lived',
      prefix: 'vx_exp',
      keyHash: hash('vx_expiring'),
      scopes: ['admin'],
      expiresAt: new Date(Date.now() + 60_000),
    });
    expect(await keys.findActiveByHash(hash('vx_expiring'))).toBeDefined();
    expect(
      await keys.findActiveByHash(hash('vx_expiring'), new Date(Date.now() + 120_000)),
    ).toBeUndefined();
  });
});
