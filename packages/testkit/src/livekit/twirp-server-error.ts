/** Twirp error codes, as the Go Twirp server names them. */
export type TwirpErrorCode =
  | 'canceled'
  | 'unknown'
  | 'invalid_argument'
  | 'malformed'
  | 'deadline_exceeded'
  | 'not_found'
  | 'bad_route'
  | 'already_exists'
  | 'permission_denied'
  | 'unauthenticated'
  | 'resource_exhausted'
  | 'failed_precondition'
  | 'aborted'
  | 'out_of_range'
  | 'unimplemented'
  | 'internal'
  | 'unavailable'
  | 'dataloss';

/** HTTP status per Twirp code (twirp.ServerHTTPStatusFromErrorCode). */
export const TWIRP_HTTP_STATUS: Readonly<Record<TwirpErrorCode, number>> = {
  canceled: 408,
  unknown: 500,
  invalid_argument: 400,
  malformed: 400,
  deadline_exceeded: 408,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  permission_denied: 403,
  unauthenticated: 401,
  resource_exhausted: 429,
  failed_precondition: 412,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  dataloss: 500,
};

/**
 * An error the loopback answers the way a Twirp server does: the code's HTTP status with the body
 * `{"code": "...", "msg": "...", "meta"?: {...}}` and `Content-Type: application/json`.
 */
export class TwirpServerError extends Error {
  readonly code: TwirpErrorCode;
  readonly meta: Record<string, string> | undefined;
  /** Overrides the code's usual HTTP status (only for injected faults). */
  readonly status: number;

  constructor(
    code: TwirpErrorCode,
    msg: string,
    options: { meta?: Record<string, string>; status?: number } = {},
  ) {
    super(msg);
    this.name = 'TwirpServerError';
    this.code = code;
    this.meta = options.meta;
    this.status = options.status ?? TWIRP_HTTP_STATUS[code];
  }

  /** The JSON body the Go Twirp server writes for this error. */
  toJson(): { code: string; msg: string; meta?: Record<string, string> } {
    return this.meta === undefined
      ? { code: this.code, msg: this.message }
      : { code: this.code, msg: this.message, meta: this.meta };
  }
}
