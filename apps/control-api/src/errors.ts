import { VoxieError } from '@voxie/config';

export type ApiErrorCode =
  | 'invalid_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'rate_limited'
  | 'livekit_error'
  | 'livekit_unavailable'
  | 'service_unavailable'
  | 'internal';

/** HTTP status for each code; the error handler is the only place that uses it. */
export const API_ERROR_STATUS: Record<ApiErrorCode, number> = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  livekit_error: 502,
  livekit_unavailable: 503,
  service_unavailable: 503,
  internal: 500,
};

export interface ApiIssue {
  /** Dotted path of the offending field, e.g. `definition.llm.model`. */
  path: string;
  message: string;
}

/** An error the API answers with on purpose: `{ error: code, message, issues? }`. */
export class ApiError extends VoxieError<ApiErrorCode> {
  readonly issues: ApiIssue[] | undefined;

  constructor(
    code: ApiErrorCode,
    message: string,
    options?: { cause?: unknown; issues?: ApiIssue[] },
  ) {
    super(code, message, options);
    this.issues = options?.issues;
  }
}

export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);
