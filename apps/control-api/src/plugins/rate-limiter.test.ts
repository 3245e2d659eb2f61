import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
  afterAll(() => redis.quit());

  it('allows max hits per window in memory, then resets', () => {
    const limiter = new RateLimiter(2, 1_000);
    const t0 = 1_000_000;
    expect(limiter.hit('a', t0)).toEqual({ allowed: true, remaining: 1, resetMs: 1_000 });
    expect(limiter.hit('a', t0 + 10)).toMatchObject({ allowed: true, remaining: 0 });
    expect(limiter.hit('a', t0 + 20)).toMatchObject({ allowed: false, remaining: 0, resetMs: 980 });
    expect(limiter.hit('b', t0 + 20)).toMatchObject({ allowed: true });
    expect(limiter.hit('a', t0 + 1_000)).toMatchObject({ allowed: true, remaining: 1 });
    limiter.close();
  });

  it('shares counts through Redis', async () => {
    const a = new RateLimiter(2, 60_000, redis);
    const b = new RateLimiter(2, 60_000, redis);
    const key = `test-${randomUUID()}`;
    const verdicts = [await a.hit(key), await b.hit(key), await a.hit(key)];
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, false]);
    expect(verdicts[2]?.resetMs).toBeGreaterThan(59_000);
  });

  it('fails open when Redis is unreachable', async () => {
    const broken = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    const errors: unknown[] = [];
    const limiter = new RateLimiter(1, 60_000, broken, (error) => errors.push(error));
    expect(await limiter.hit('k')).toMatchObject({ allowed: true });
    expect(await limiter.hit('k')).toMatchObject({ allowed: true });
    expect(errors.length).toBe(2);
    broken.disconnect();
  });
});
