import type { Redis } from 'ioredis';

export interface RateLimitVerdict {
  allowed: boolean;
  /** Requests left in the current window. */
  remaining: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

/**
 * Fixed-window rate limiting: at most `max` hits per key per `windowMs`. Kept in memory, or in
 * Redis so every API replica shares the count. The memory path is synchronous because it sits
 * on every request; Redis errors fail open (a limiter outage must not take the API down).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private readonly sweeper: NodeJS.Timeout | undefined;

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly redis?: Redis,
    private readonly onRedisError: (error: unknown) => void = () => {},
  ) {
    if (!redis) {
      this.sweeper = setInterval(() => this.sweep(Date.now()), windowMs);
      this.sweeper.unref();
    }
  }

  hit(key: string, now = Date.now()): RateLimitVerdict | Promise<RateLimitVerdict> {
    return this.redis ? this.hitRedis(this.redis, key) : this.hitMemory(key, now);
  }

  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  private hitMemory(key: string, now: number): RateLimitVerdict {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.count++;
    return this.verdict(window.count, window.resetAt - now);
  }

  private async hitRedis(redis: Redis, key: string): Promise<RateLimitVerdict> {
    try {
      const [count, ttl] = (await redis.eval(HIT_SCRIPT, 1, `voxie-rl:${key}`, this.windowMs)) as [
        number,
        number,
      ];
      return this.verdict(count, ttl > 0 ? ttl : this.windowMs);
    } catch (error) {
      this.onRedisError(error);
      return { allowed: true, remaining: this.max, resetMs: this.windowMs };
    }
  }

  private verdict(count: number, resetMs: number): RateLimitVerdict {
    return { allowed: count <= this.max, remaining: Math.max(0, this.max - count), resetMs };
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

/** INCR the key, starting its window on the first hit; returns [count, ms left]. */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { count, redis.call('PTTL', KEYS[1]) }
`;
