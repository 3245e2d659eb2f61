export {
  DispatchMetadata,
  type ParsedDispatchMetadata,
  parseDispatchMetadata,
} from './dispatch-metadata.js';
export { type EnvSource, loadEnv } from './env/load-env.js';
export {
  commonEnv,
  databaseEnv,
  LIVEKIT_DEV_DEFAULTS,
  LogLevel,
  livekitEnv,
  milliseconds,
  NodeEnv,
  Port,
  portEnv,
  providerEnv,
  redisEnv,
  supabaseEnv,
} from './env/variables.js';
export { ConfigError, type ConfigErrorCode, VoxieError } from './errors.js';
export { type CreateLoggerOptions, createLogger, type Logger } from './logger.js';
export { isSecretKey, REDACTED, redactDeep, redactString, redactUrl } from './redact.js';
export {
  formatAgentRoomName,
  formatSimulationRoomName,
  formatVoxieCreationRoomName,
  type ParsedRoomName,
  parseRoomName,
  type RoomKind,
  type RoomName,
  randomRoomSuffix,
} from './room-names.js';
