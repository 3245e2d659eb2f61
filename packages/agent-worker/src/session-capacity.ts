/**
 * The worker load LiveKit balances on, as a share of a fixed session capacity: running jobs over
 * `maxSessions`, capped at 1. With a load threshold of 1 the worker reports itself full exactly
 * when it runs `maxSessions` jobs, whatever the CPU does.
 */
export function sessionCapacityLoad(
  maxSessions: number,
  runningJobs: () => number,
): () => Promise<number> {
  if (!Number.isInteger(maxSessions) || maxSessions < 1) {
    throw new RangeError(`maxSessions must be a whole number of at least 1, got ${maxSessions}`);
  }
  return async () => Math.min(1, runningJobs() / maxSessions);
}
