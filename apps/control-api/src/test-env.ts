import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ControlApiEnv, loadControlApiEnv } from './env.js';

/** A development environment with its own PGlite directory and a free port. */
export function testEnv(overrides: Record<string, string> = {}): ControlApiEnv {
  return loadControlApiEnv({
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PORT: '0',
    HOST: '127.0.0.1',
    VOXIE_DATA_DIR: mkdtempSync(join(tmpdir(), 'voxie-api-')),
    LIVEKIT_URL: 'ws://127.0.0.1:1',
    ...overrides,
  });
}
