import { DbError } from '@voxie/db';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { API_ERROR_STATUS, ApiError, type ApiErrorCode, type ApiIssue } from '../errors.js';

/** Body of every error response. */
export interface ErrorBody {
  error: ApiErrorCode;
  message: string;
  issues?: ApiIssue[];
  requestId: string;
}

/**
 * The API's single error handler: every failure becomes `{ error, message, issues?, requestId }`
 * with the status its code maps to. 5xx bodies say nothing about internals.
 */
export function registerErrorHandler(
  app: FastifyInstance,
  onError: (code: ApiErrorCode) => void,
  onUnmatched: (method: string) => void,
): void {
  app.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error instanceof Error ? error : new Error(String(error)));
    const status = API_ERROR_STATUS[apiError.code];
    onError(apiError.code);
    if (status >= 500) {
      request.log.error({ err: error, code: apiError.code }, 'request failed');
    }
    const body: ErrorBody = {
      error: apiError.code,
      message: apiError.message,
      requestId: request.id,
    };
    if (apiError.issues) body.issues = apiError.issues;
    if (apiError.code === 'rate_limited' && error instanceof Error && 'headers' in error)
      reply.headers(error.headers as Record<string, string>);
    return reply.status(status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    onError('not_found');
    onUnmatched(request.method);
    const body: ErrorBody = {
      error: 'not_found',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
      requestId: request.id,
    };
    return reply.status(404).send(body);
  });
}

function toApiError(error: FastifyError | Error): ApiError {
  if (error instanceof ApiError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as FastifyError).validationContext ?? 'body';
    const issues = error.validation.map((issue) => ({
      path: [context, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
      message: issue.message ?? 'is invalid',
    }));
    const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    return new ApiError('invalid_request', `invalid request: ${summary}`, { issues, cause: error });
  }
  if (error instanceof DbError && error.code === 'invalid_cursor') {
    return new ApiError('invalid_request', error.message, {
      issues: [{ path: 'querystring.cursor', message: error.message }],
    });
  }
  if (isDatabaseUnavailable(error)) {
    return new ApiError('service_unavailable', 'database unavailable; try again shortly', {
      cause: error,
    });
  }
  const status = (error as FastifyError).statusCode;
  if (status === 429) return new ApiError('rate_limited', error.message, { cause: error });
  if (status !== undefined && status >= 400 && status < 500) {
    // Fastify's own client errors: malformed JSON, unsupported media type, body too large...
    const code: ApiErrorCode = status === 404 ? 'not_found' : 'invalid_request';
    return new ApiError(code, error.message, { cause: error });
  }
  return new ApiError('internal', 'internal error', { cause: error });
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

/** True when the error (or one of its causes) means the database could not be reached. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (
    let current = error, depth = 0;
    current instanceof Error && depth < 5;
    current = current.cause, depth++
  ) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (
      /Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end|PGlite is closed/i.test(
        current.message,
      )
    ) {
      return true;
    }
  }
  return false;
}
