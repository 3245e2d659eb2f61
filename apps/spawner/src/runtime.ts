import { ProviderRegistry, type SecretResolver } from '@voxie/agent-core';
import { createLogger, type EnvSource, type Logger } from '@voxie/config';
import { createDatabase, type Database } from '@voxie/db';
import { RoomServiceClient } from 'livekit-server-sdk';
import { loadSpawnerEnv, providerKeysFrom, type SpawnerEnv, secretResolverFrom } from './env.js';

/** What every part of the spawner shares within one process. */
export interface SpawnerRuntime {
  env: SpawnerEnv;
  logger: Logger;
  database: Database;
  registry: ProviderRegistry;
  secrets: SecretResolver;
  roomService: RoomServiceClient;
  close(): Promise<void>;
}

/** Builds the runtime from an environment (parsed here, once). */
export async function createRuntime(
  source: EnvSource,
  options: { logger?: Logger; name?: string } = {},
): Promise<SpawnerRuntime> {
  const env = loadSpawnerEnv(source);
  const logger =
    options.logger ?? createLogger({ name: options.name ?? 'spawner', level: env.LOG_LEVEL });
  const database = await createDatabase({
    url: env.DATABASE_URL,
    dataDir: env.DATABASE_URL ? undefined : `${env.VOXIE_DATA_DIR}/pglite`,
    poolMax: env.DATABASE_POOL_MAX,
  });
  const httpUrl = env.LIVEKIT_URL.replace(/^ws/, 'http');
  const secrets = secretResolverFrom(source);
  return {
    env,
    logger,
    database,
    registry: new ProviderRegistry(
      { ...providerKeysFrom(env), hasSecret: (name) => secrets(name) !== undefined },
      { secrets },
    ),
    secrets,
    roomService: new RoomServiceClient(httpUrl, env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET),
    close: () => database.close(),
  };
}

let processRuntime: Promise<SpawnerRuntime> | undefined;

/** The job process's runtime, built from `process.env` on first use. */
export function getProcessRuntime(): Promise<SpawnerRuntime> {
  processRuntime ??= createRuntime(process.env, { name: 'spawner-job' });
  return processRuntime;
}
