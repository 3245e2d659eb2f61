import type { Caller } from '../auth/caller.js';
import type { Scope } from '../auth/scopes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every route whose scope is not `public`. */
    caller?: Caller;
  }
  interface FastifyContextConfig {
    /** Scope a caller needs; `public` routes authenticate themselves or not at all. */
    scope?: Scope | 'public';
  }
}
