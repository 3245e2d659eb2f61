/**
 * Metric label for why the spawner rejected a job: a small fixed vocabulary, so that
 * `voxie_worker_jobs_total{outcome="rejected",reason=...}` stays a handful of series however
 * many agents and rooms there are. The full reason is in the `job.rejected` log line.
 */
export type RejectionReason =
  | 'room_not_served'
  | 'invalid_metadata'
  | 'no_agent_id'
  | 'agent_unavailable'
  | 'provider_unavailable'
  | 'database_unavailable'
  | 'other';

const RULES: readonly [RegExp, RejectionReason][] = [
  [/^room "/, 'room_not_served'],
  [/^no agent id /, 'no_agent_id'],
  [/^dispatch metadata /, 'invalid_metadata'],
  [/: database unavailable$/, 'database_unavailable'],
  [/ cannot run here: /, 'provider_unavailable'],
  [/ does not exist| has no version /, 'agent_unavailable'],
];

/** Maps a rejection reason from `resolveJobTarget` / `decideJob` / `evaluateJob` to its label. */
export function rejectionReason(reason: string): RejectionReason {
  return RULES.find(([pattern]) => pattern.test(reason))?.[1] ?? 'other';
}
