export {
  createDatabase,
  type Database,
  type DatabaseOptions,
  queryRows,
  type VoxieDb,
} from './client.js';
export { DbError, type DbErrorCode } from './errors.js';
export { MIGRATIONS_FOLDER, migrateDatabase } from './migrate.js';
export {
  type Agent,
  AgentRepository,
  type AgentVersion,
  type CreateAgentInput,
  type ListAgentsOptions,
  type PublishedAgent,
} from './repositories/agent-repository.js';
export {
  type ApiKey,
  ApiKeyRepository,
  type CreateApiKeyInput,
} from './repositories/api-key-repository.js';
export { type Cursor, decodeCursor, encodeCursor, type Page } from './repositories/cursor.js';
export {
  type AgentVersionForWorker,
  type FinishRecordingInput,
  SessionRecordingRepository,
  type StartRecordingInput,
} from './repositories/session-recording-repository.js';
export {
  type CreateSessionInput,
  type ListSessionsOptions,
  type Session,
  SessionRepository,
} from './repositories/session-repository.js';
export {
  type CreateSimulationInput,
  type FinishRunInput,
  type PlannedRun,
  type Simulation,
  SimulationRepository,
  type SimulationRun,
} from './repositories/simulation-repository.js';
export {
  type TranscriptItem,
  type TranscriptItemInput,
  TranscriptRepository,
} from './repositories/transcript-repository.js';
export {
  type CreateVoxieDraftInput,
  type VoxieDraft,
  VoxieDraftRepository,
  type VoxieDraftStatus,
} from './repositories/voxie-draft-repository.js';
export {
  type WebhookEvent,
  type WebhookEventInput,
  WebhookEventRepository,
} from './repositories/webhook-event-repository.js';
export * as schema from './schema.js';
