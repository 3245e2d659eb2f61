import { checkProviders, type ProviderKeys, ProviderRegistry } from '@voxie/agent-core';
import { ConfigError, createLogger, type EnvSource, type Logger } from '@voxie/config';
import { createDatabase, type Database } from '@voxie/db';
import type { CreationDefaults } from './draft.js';
import {
  creationDefaultsFrom,
  loadVoxieEnv,
  providerKeysFrom,
  type VoxieEnv,
  type VoxieModels,
  voiceCatalogFrom,
  voxieModelsFrom,
} from './env.js';
import type { VoiceCatalog } from './voice-catalog.js';

/** What every part of Voxie shares within one process. */
export interface VoxieRuntime {
  env: VoxieEnv;
  logger: Logger;
  database: Database;
  keys: ProviderKeys;
  registry: ProviderRegistry;
  catalog: VoiceCatalog;
  defaults: CreationDefaults;
  models: VoxieModels;
  close(): Promise<void>;
}

/** Builds the runtime from an environment (parsed here, once). */
export async function createVoxieRuntime(
  source: EnvSource,
  options: { logger?: Logger; name?: string } = {},
): Promise<VoxieRuntime> {
  const env = loadVoxieEnv(source);
  const keys = providerKeysFrom(env);
  const models = voxieModelsFrom(env);
  // Voxie must be able to talk before it registers: fail at boot, not on every job.
  const problems = checkProviders(models, keys);
  if (problems.length > 0) {
    throw new ConfigError(
      'invalid_env',
      `Voxie's own models cannot run here:\n${problems
        .map(
          (problem) =>
            `  - VOXIE_${problem.path.split('.')[0]?.toUpperCase()}_*: ${problem.message}`,
        )
        .join('\n')}`,
    );
  }
  const logger =
    options.logger ?? createLogger({ name: options.name ?? 'voxie', level: env.LOG_LEVEL });
  const database = await createDatabase({
    url: env.DATABASE_URL,
    dataDir: env.DATABASE_URL ? undefined : `${env.VOXIE_DATA_DIR}/pglite`,
    poolMax: env.DATABASE_POOL_MAX,
  });
  return {
    env,
    logger,
    database,
    keys,
    registry: new ProviderRegistry(keys),
    catalog: voiceCatalogFrom(env),
    defaults: creationDefaultsFrom(env),
    models,
    close: () => database.close(),
  };
}

let processRuntime: Promise<VoxieRuntime> | undefined;

/** The job process's runtime, built from `process.env` on first use. */
export function getProcessRuntime(): Promise<VoxieRuntime> {
  processRuntime ??= createVoxieRuntime(process.env, { name: 'voxie-job' });
  return processRuntime;
}
