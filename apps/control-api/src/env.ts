import {
  commonEnv,
  databaseEnv,
  type EnvSource,
  livekitEnv,
  loadEnv,
  type NodeEnv,
  portEnv,
  providerEnv,
  redisEnv,
  supabaseEnv,
} from '@voxie/config';
import { z } from 'zod';

const seconds = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ message: 'must be a number of seconds' })
    .int({ message: 'must be a whole number of seconds' })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` })
    .default(fallback);

const positiveInt = (fallback: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be a whole number' })
    .min(1, { message: 'must be at least 1' })
    .default(fallback);

const controlApiEnv = (mode: NodeEnv) =>
  z.object({
    ...commonEnv,
    ...livekitEnv(mode),
    ...databaseEnv,
    ...supabaseEnv,
    ...providerEnv,
    ...redisEnv,
    ...portEnv('PORT', 8080),
    HOST: z.string().min(1).default('0.0.0.0').describe('interface to listen on'),
    LIVEKIT_PUBLIC_URL: z
      .url({ protocol: /^(wss?|https?)$/, message: 'must be a ws(s):// or http(s):// URL' })
      .optional()
      .describe('LiveKit URL handed to clients, when it differs from LIVEKIT_URL'),
    VOXIE_ADMIN_API_KEY: z
      .string()
      .regex(/^vx_[A-Za-z0-9_-]{29,}$/, {
        message: 'must start with vx_ and be at least 32 characters',
      })
      .optional()
      .describe('bootstrap admin API key for first setup'),
    SESSION_TOKEN_TTL_SECONDS: seconds(900, 60, 86_400).describe('lifetime of session tokens'),
    TOKEN_MAX_TTL_SECONDS: seconds(86_400, 60, 604_800).describe(
      'longest lifetime POST /v1/tokens grants',
    ),
    LIVEKIT_REQUEST_TIMEOUT_SECONDS: seconds(10, 1, 60).describe(
      'timeout of each LiveKit server API call',
    ),
    ROOM_EMPTY_TIMEOUT_SECONDS: seconds(300, 10, 86_400).describe(
      'how long LiveKit keeps an empty room',
    ),
    CORS_ORIGINS: z
      .string()
      .optional()
      .describe('comma-separated origins allowed to call the API from a browser, or *'),
    RATE_LIMIT_MAX: positiveInt(600).describe('requests per caller per window'),
    RATE_LIMIT_WINDOW_MS: positiveInt(60_000).describe('rate-limit window'),
    SHUTDOWN_GRACE_MS: positiveInt(10_000).describe(
      'how long shutdown waits for in-flight requests',
    ),
  });

export type ControlApiEnv = z.infer<ReturnType<typeof controlApiEnv>>;

/** Parses the control API's environment; throws one ConfigError listing every problem. */
export function loadControlApiEnv(source: EnvSource): ControlApiEnv {
  return loadEnv(controlApiEnv, source);
}
