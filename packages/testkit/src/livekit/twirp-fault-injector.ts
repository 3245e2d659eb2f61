import { type TwirpErrorCode, TwirpServerError } from './twirp-server-error.js';

/** How an injected failure answers. */
export interface TwirpFailure {
  /** Twirp code; default `unavailable` (503). */
  code?: TwirpErrorCode;
  /** Default: `injected failure`. */
  msg?: string;
  /** HTTP status; defaults to the code's usual status. */
  status?: number;
  /** How many of the next calls fail; default 1. `Infinity` fails until cleared. */
  times?: number;
}

interface PendingFault {
  remaining: number;
  failure?: TwirpServerError;
  stallMs?: number;
}

/**
 * Queues failures and stalls for the next calls of a Twirp method. Methods are named
 * `Service.Method` (`RoomService.CreateRoom`) or just `Method` (any service).
 */
export class TwirpFaultInjector {
  readonly #faults: { method: string; fault: PendingFault }[] = [];

  /** The next `times` calls of `method` answer with this error instead of running. */
  failNext(method: string, failure: TwirpFailure = {}): void {
    const error = new TwirpServerError(
      failure.code ?? 'unavailable',
      failure.msg ?? 'injected failure',
      {
        ...(failure.status === undefined ? {} : { status: failure.status }),
      },
    );
    this.#faults.push({ method, fault: { remaining: failure.times ?? 1, failure: error } });
  }

  /** The next `times` calls of `method` wait `ms` before being handled (then run normally). */
  stallNext(method: string, ms: number, times = 1): void {
    this.#faults.push({ method, fault: { remaining: times, stallMs: ms } });
  }

  /** Drops every queued fault. */
  clear(): void {
    this.#faults.length = 0;
  }

  /** Consumes the faults that apply to this call: the total stall and the first failure. */
  take(service: string, method: string): { stallMs: number; failure?: TwirpServerError } {
    let stallMs = 0;
    let failure: TwirpServerError | undefined;
    for (const entry of this.#faults) {
      if (entry.fault.remaining <= 0) continue;
      if (entry.method !== method && entry.method !== `${service}.${method}`) continue;
      if (entry.fault.stallMs !== undefined) {
        stallMs += entry.fault.stallMs;
        entry.fault.remaining--;
      } else if (failure === undefined && entry.fault.failure !== undefined) {
        failure = entry.fault.failure;
        entry.fault.remaining--;
      }
    }
    for (let i = this.#faults.length - 1; i >= 0; i--) {
      if ((this.#faults[i]?.fault.remaining ?? 0) <= 0) this.#faults.splice(i, 1);
    }
    return failure === undefined ? { stallMs } : { stallMs, failure };
  }
}
