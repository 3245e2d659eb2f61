import type { voice } from '@livekit/agents';
import { createDatabaseSink, SessionRecorder } from '@voxie/agent-core';
import type { Logger } from '@voxie/config';
import { type Database, SessionRepository } from '@voxie/db';

/**
 * Records a creation conversation into the session row the control API created for it (its
 * id travels in the dispatch metadata), so `GET /v1/sessions/:id` shows what was said. Only a
 * `voxie` session of the same owner is written to; anything else is logged and not recorded.
 * Attach before `session.start()` to catch the greeting; call `finish()` when the job ends.
 */
export async function recordCreationSession(
  session: voice.AgentSession,
  options: {
    database: Pick<Database, 'db'>;
    ownerId: string;
    sessionId: string | undefined;
    logger: Logger;
  },
): Promise<SessionRecorder | undefined> {
  const { sessionId, logger } = options;
  if (!sessionId) return undefined;
  const row = await new SessionRepository(options.database.db).get(options.ownerId, sessionId);
  if (row?.kind !== 'voxie') {
    logger.warn(
      { event: 'voxie.not_recorded', sessionId },
      'no Voxie session of this owner with that id: the conversation is not recorded',
    );
    return undefined;
  }
  return new SessionRecorder({
    sessionId,
    sink: createDatabaseSink(options.database),
    onError: (error) =>
      logger.warn({ event: 'voxie.record_failed', sessionId, err: error }, 'recording failed'),
  }).attach(session);
}
