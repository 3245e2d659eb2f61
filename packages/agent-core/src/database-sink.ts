import type { Database } from '@voxie/db';
import { SessionRecordingRepository, TranscriptRepository } from '@voxie/db';
import type { RecorderSink } from './session-recorder.js';

/** A {@link RecorderSink} writing to `transcript_items` and the `sessions` row. */
export function createDatabaseSink(database: Pick<Database, 'db'>): RecorderSink {
  const transcripts = new TranscriptRepository(database.db);
  const recording = new SessionRecordingRepository(database.db);
  return {
    appendTranscript: (sessionId, items) => transcripts.append(sessionId, items),
    finishSession: (sessionId, result) =>
      recording.finish(sessionId, {
        status: result.status,
        endReason: result.endReason,
        usage: result.usage,
        metrics: result.metrics,
        endedAt: result.endedAt,
      }),
  };
}
