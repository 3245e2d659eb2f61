/**
 * Metric label for why Voxie rejected a job: a fixed vocabulary, so that
 * `voxie_worker_jobs_total{outcome="rejected",reason=...}` stays a handful of series. The full
 * reason is in the `job.rejected` log line.
 */
export type VoxieRejectionReason = 'room_not_served' | 'invalid_metadata' | 'other';

/** Maps a rejection reason from `decideVoxieJob` to its label. */
export function voxieRejectionReason(reason: string): VoxieRejectionReason {
  if (reason.startsWith('room "')) return 'room_not_served';
  if (reason.startsWith('dispatch metadata ')) return 'invalid_metadata';
  return 'other';
}
