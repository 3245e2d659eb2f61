import type { FastifyRequest } from 'fastify';
import type { Caller } from '../auth/caller.js';
import { ApiError } from '../errors.js';

/** The authenticated caller of a scoped route. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new ApiError('unauthenticated', 'authentication required');
  return request.caller;
}
