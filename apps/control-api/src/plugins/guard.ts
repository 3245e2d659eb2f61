import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Authenticator } from '../auth/authenticator.js';
import { type Caller, hasScope } from '../auth/caller.js';
import type { Scope } from '../auth/scopes.js';
import { ApiError } from '../errors.js';
import type { RateLimiter, RateLimitVerdict } from './rate-limiter.js';

type Hook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;

/**
 * The onRequest hook of a scoped route: authenticate, check the scope, count the request
 * against the caller's rate limit. Failed authentications count against the client address,
 * so guessing credentials is limited too. Callback-style: a cached API key goes through without
 * a single promise.
 */
export function createGuard(
  scope: Scope,
  authenticator: Authenticator,
  limiter: RateLimiter,
): Hook {
  return (request, reply, done) => {
    let outcome: Caller | Promise<Caller>;
    try {
      outcome = authenticator.authenticate(request.headers.authorization);
    } catch (error) {
      refuse(request, reply, error, done);
      return;
    }
    if (outcome instanceof Promise) {
      outcome.then(
        (caller) => admit(request, reply, caller, done),
        (error: unknown) => refuse(request, reply, error, done),
      );
    } else {
      admit(request, reply, outcome, done);
    }
  };

  function admit(
    request: FastifyRequest,
    reply: FastifyReply,
    caller: Caller,
    done: HookHandlerDoneFunction,
  ): void {
    if (!hasScope(caller, scope)) {
      done(new ApiError('forbidden', `this credential lacks the "${scope}" scope`));
      return;
    }
    request.caller = caller;
    limit(`caller:${caller.identity}`, reply, done, () => done());
  }

  function refuse(
    request: FastifyRequest,
    reply: FastifyReply,
    error: unknown,
    done: HookHandlerDoneFunction,
  ): void {
    limit(`ip:${request.ip}`, reply, done, () =>
      done(error instanceof Error ? error : new Error(String(error))),
    );
  }

  function limit(
    key: string,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
    onAllowed: () => void,
  ): void {
    const verdict = limiter.hit(key);
    const decide = (v: RateLimitVerdict) => {
      if (v.allowed) {
        onAllowed();
        return;
      }
      const seconds = Math.max(1, Math.ceil(v.resetMs / 1000));
      reply.header('retry-after', seconds);
      reply.header('x-ratelimit-limit', limiter.max);
      reply.header('x-ratelimit-remaining', 0);
      done(
        new ApiError(
          'rate_limited',
          `rate limit exceeded: ${limiter.max} requests per ${limiter.windowMs / 1000} s; retry in ${seconds} s`,
        ),
      );
    };
    if (verdict instanceof Promise) verdict.then(decide, () => onAllowed());
    else decide(verdict);
  }
}
