import { type ProviderKeys, providerKeysFromEnv, type SecretResolver } from '@voxie/agent-core';
import {
  commonEnv,
  databaseEnv,
  type EnvSource,
  livekitEnv,
  loadEnv,
  type NodeEnv,
  portEnv,
  providerEnv,
} from '@voxie/config';
import { otlpEnv } from '@voxie/worker-metrics';
import { z } from 'zod';

const milliseconds = (fallback: number, description: string) =>
  z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int({ message: 'must be a whole number' })
    .min(0, { message: 'must not be negative' })
    .default(fallback)
    .describe(description);

const spawnerEnv = (mode: NodeEnv) =>
  z.object({
    ...commonEnv,
    ...livekitEnv(mode),
    ...databaseEnv,
    ...providerEnv,
    ...portEnv('PORT', 8081),
    ...otlpEnv,
    HOST: z.string().min(1).default('0.0.0.0').describe('interface the health endpoint listens on'),
    WORKER_HTTP_PORT: z.coerce
      .number({ message: 'must be a port number' })
      .int()
      .min(0)
      .max(65535)
      .default(0)
      .describe("port of the LiveKit framework's own worker status server (0: any free port)"),
    AGENT_CACHE_TTL_MS: milliseconds(
      30_000,
      'how long a loaded agent is trusted without a change notification',
    ),
    AGENT_CACHE_MISS_TTL_MS: milliseconds(2_000, 'how long "no published agent" is trusted'),
    DRAIN_TIMEOUT_MS: milliseconds(120_000, 'how long SIGTERM waits for running sessions'),
    NUM_IDLE_PROCESSES: z.coerce
      .number({ message: 'must be a number' })
      .int()
      .min(0)
      .max(64)
      .optional()
      .describe('job processes kept warm (default: LiveKit framework default)'),
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
