import { VoxieError } from '@voxie/config';

export type DbErrorCode = 'unavailable' | 'migration_failed' | 'invalid_cursor';

/** Raised by the data layer for failures callers should handle by kind. */
export class DbError extends VoxieError<DbErrorCode> {}
