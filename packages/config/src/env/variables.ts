import { z } from 'zod';

/**
 * Building blocks for the apps' environment schemas. Each app composes the pieces it needs in
 * its own `src/env.ts` and parses `process.env` once at boot with {@link loadEnv}.
 */

/** Runtime mode. Only `development` turns on the `livekit-server --dev` defaults. */
export const NodeEnv = z.enum(['development', 'test', 'production']);
export type NodeEnv = z.infer<typeof NodeEnv>;

export const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
export type LogLevel = z.infer<typeof LogLevel>;

/** The keys and URL that `livekit-server --dev` runs with. */
export const LIVEKIT_DEV_DEFAULTS = {
  LIVEKIT_URL: 'ws://localhost:7880',
  LIVEKIT_API_KEY: 'devkey',
  LIVEKIT_API_SECRET: 'secret',
} as const;

const urlWithProtocols = (protocols: readonly string[], what: string) =>
  z.string().superRefine((value, ctx) => {
    if (!URL.canParse(value)) {
      ctx.addIssue({ code: 'custom', message: `must be a URL (${what})` });
    } else if (!protocols.includes(new URL(value).protocol.replace(/:$/, ''))) {
      ctx.addIssue({
        code: 'custom',
        message: `must use ${protocols.map((p) => `${p}://`).join(' or ')}`,
      });
    }
  });

export const Port = z.coerce
  .number({ message: 'must be a port number' })
  .int({ message: 'must be a whole number' })
  .min(0, { message: 'must be between 0 and 65535' })
  .max(65535, { message: 'must be between 0 and 65535' });

/** A duration variable in milliseconds: a whole, non-negative number, `fallback` when unset. */
export const milliseconds = (fallback: number, description: string) =>
  z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int({ message: 'must be a whole number' })
    .min(0, { message: 'must not be negative' })
    .default(fallback)
    .describe(description);

export const commonEnv = {
  NODE_ENV: NodeEnv.default('production').describe('development | test | production'),
  LOG_LEVEL: LogLevel.default('info').describe('pino log level'),
};

/**
 * LiveKit connection. Outside development all three are required; in development they default
 * to what `livekit-server --dev` uses, so a local server works with no configuration.
 */
export function livekitEnv(mode: NodeEnv) {
  const dev = mode === 'development';
  const url = urlWithProtocols(
    ['ws', 'wss', 'http', 'https'],
    'e.g. wss://my-project.livekit.cloud',
  );
  const key = z.string().min(1);
  return {
    LIVEKIT_URL: (dev ? url.default(LIVEKIT_DEV_DEFAULTS.LIVEKIT_URL) : url).describe(
      'URL of the LiveKit server, e.g. ws://localhost:7880',
    ),
    LIVEKIT_API_KEY: (dev ? key.default(LIVEKIT_DEV_DEFAULTS.LIVEKIT_API_KEY) : key).describe(
      'API key of the LiveKit server',
    ),
    LIVEKIT_API_SECRET: (dev ? key.default(LIVEKIT_DEV_DEFAULTS.LIVEKIT_API_SECRET) : key).describe(
      'API secret of the LiveKit server',
    ),
  };
}

export const databaseEnv = {
  DATABASE_URL: urlWithProtocols(['postgres', 'postgresql'], 'postgres://user:pass@host:5432/db')
    .optional()
    .describe('Postgres connection string; unset means embedded PGlite under VOXIE_DATA_DIR'),
  VOXIE_DATA_DIR: z
    .string()
    .min(1)
    .default('./.voxie')
    .describe('directory for embedded data (PGlite) when DATABASE_URL is unset'),
  DATABASE_POOL_MAX: z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be a whole number' })
    .min(1, { message: 'must be at least 1' })
    .max(500, { message: 'must be at most 500' })
    .default(10)
    .describe('Postgres connection pool size'),
};

export const supabaseEnv = {
  SUPABASE_URL: urlWithProtocols(['http', 'https'], 'https://<project>.supabase.co')
    .optional()
    .describe('Supabase project URL (end-user tokens are verified against its JWKS)'),
  SUPABASE_JWT_SECRET: z
    .string()
    .min(32, { message: 'must be at least 32 characters' })
    .optional()
    .describe('Supabase legacy HS256 JWT secret'),
};

export const providerEnv = {
  OPENAI_API_KEY: z.string().min(1).optional().describe('OpenAI (or compatible) API key'),
  OPENAI_BASE_URL: urlWithProtocols(['http', 'https'], 'https://api.openai.com/v1')
    .optional()
    .describe('base URL of an OpenAI-compatible server'),
  DEEPGRAM_API_KEY: z.string().min(1).optional().describe('Deepgram API key (speech-to-text)'),
  CARTESIA_API_KEY: z.string().min(1).optional().describe('Cartesia API key (text-to-speech)'),
  ELEVENLABS_API_KEY: z.string().min(1).optional().describe('ElevenLabs API key (text-to-speech)'),
};

export const redisEnv = {
  REDIS_URL: urlWithProtocols(['redis', 'rediss'], 'redis://localhost:6379')
    .optional()
    .describe('Redis for shared rate limits; unset means in-memory'),
};

/** A listening port with a default, e.g. `portEnv('PORT', 8080)`. */
export function portEnv<const Name extends string>(name: Name, fallback: number) {
  return { [name]: Port.default(fallback).describe('TCP port to listen on') } as Record<
    Name,
    z.ZodDefault<typeof Port>
  >;
}
