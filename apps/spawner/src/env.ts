import { type ProviderKeys, providerKeysFromEnv, type SecretResolver } from '@voxie/agent-core';
import { agentWorkerEnv } from '@voxie/agent-worker';
import {
  commonEnv,
  databaseEnv,
  type EnvSource,
  livekitEnv,
  loadEnv,
  milliseconds,
  type NodeEnv,
  portEnv,
  providerEnv,
} from '@voxie/config';
import { z } from 'zod';

const spawnerEnv = (mode: NodeEnv) =>
  z.object({
    ...commonEnv,
    ...livekitEnv(mode),
    ...databaseEnv,
    ...providerEnv,
    ...portEnv('PORT', 8081),
    ...agentWorkerEnv,
    AGENT_CACHE_TTL_MS: milliseconds(
      30_000,
      'how long a loaded agent is trusted without a change notification',
    ),
    AGENT_CACHE_MISS_TTL_MS: milliseconds(2_000, 'how long "no published agent" is trusted'),
  });

export type SpawnerEnv = z.infer<ReturnType<typeof spawnerEnv>>;

/** The console needs no LiveKit server: only the database and provider keys. */
const consoleEnv = () =>
  z.object({
    ...commonEnv,
    ...databaseEnv,
    ...providerEnv,
  });

export type ConsoleEnv = z.infer<ReturnType<typeof consoleEnv>>;

/** Parses the console's environment; throws one ConfigError listing every problem. */
export function loadConsoleEnv(source: EnvSource): ConsoleEnv {
  return loadEnv(consoleEnv, source);
}

/** Parses the spawner's environment; throws one ConfigError listing every problem. */
export function loadSpawnerEnv(source: EnvSource): SpawnerEnv {
  return loadEnv(spawnerEnv, source);
}

/** The provider keys this deployment has, for the registry and `checkProviders`. */
export function providerKeysFrom(
  env: ConsoleEnv &
    Partial<Pick<SpawnerEnv, 'LIVEKIT_URL' | 'LIVEKIT_API_KEY' | 'LIVEKIT_API_SECRET'>>,
): ProviderKeys {
  return providerKeysFromEnv(env);
}

/**
 * Secrets HTTP tools reference by name come from `VOXIE_SECRET_<NAME>` variables (upper-cased):
 * secret `crm_token` is `VOXIE_SECRET_CRM_TOKEN`. Read once at boot.
 */
export function secretResolverFrom(source: EnvSource): SecretResolver {
  const secrets = new Map<string, string>();
  for (const [key, value] of Object.entries(source)) {
    if (key.startsWith('VOXIE_SECRET_') && value) secrets.set(key.slice(13), value);
  }
  return (name) => secrets.get(name.toUpperCase());
}
