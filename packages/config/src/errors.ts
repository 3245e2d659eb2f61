/**
 * Base class of every error Voxie raises on purpose. `code` is a string union per package, so
 * callers (and the API's error handler) branch on it instead of on message text.
 */
export class VoxieError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export type ConfigErrorCode = 'invalid_env' | 'invalid_room_name' | 'invalid_dispatch_metadata';

/** Raised for configuration that cannot be used: a bad environment, a malformed room name. */
export class ConfigError extends VoxieError<ConfigErrorCode> {}
