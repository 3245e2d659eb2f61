import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@voxie/config';
import { createDatabase, type Database, migrateDatabase } from '@voxie/db';
import { createTestPostgresDatabase, type LoopbackLiveKitServer } from '@voxie/testkit';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { buildApp } from './app.js';
import { type ControlApiEnv, loadControlApiEnv } from './env.js';

export const ADMIN_KEY = `vx_${'a'.repeat(40)}`;
/** Keys for the providers `definition()` names, so its agents can be published. */
export const PROVIDER_KEYS = {
  OPENAI_API_KEY: 'sk-test-openai-key-not-real',
  DEEPGRAM_API_KEY: 'test-deepgram-key',
  CARTESIA_API_KEY: 'test-cartesia-key',
};
export const SUPABASE_SECRET = 'test-supabase-jwt-secret-with-32-plus-chars';

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  env: ControlApiEnv;
  admin: { authorization: string };
  /** Creates an API key through the API and returns headers using it. */
  keyFor(ownerId: string, scopes: string[]): Promise<{ authorization: string; id: string }>;
  /** A Supabase access token for `userId`, signed with the test HS256 secret. */
  userToken(
    userId: string,
    options?: { expiresIn?: string | number; secret?: string; role?: string },
  ): Promise<string>;
  close(): Promise<void>;
}

/**
 * The control API on a database of its own (real Postgres by default) with a bootstrap admin
 * key and Supabase HS256 verification configured. `env` overrides any variable.
 */
export async function createTestApp(
  options: { env?: Record<string, string>; backend?: 'postgres' | 'pglite' } = {},
): Promise<TestApp> {
  const server = options.backend === 'pglite' ? undefined : await createTestPostgresDatabase('api');
  const env = loadControlApiEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    LIVEKIT_URL: 'http://127.0.0.1:1',
    LIVEKIT_API_KEY: 'test-key',
    LIVEKIT_API_SECRET: 'test-secret-test-secret-test-secret',
    VOXIE_ADMIN_API_KEY: ADMIN_KEY,
    ...PROVIDER_KEYS,
    SUPABASE_JWT_SECRET: SUPABASE_SECRET,
    VOXIE_DATA_DIR: mkdtempSync(join(tmpdir(), 'voxie-test-')),
    ...(server ? { DATABASE_URL: server.url } : {}),
    ...options.env,
  });
  const database = await createDatabase({ url: env.DATABASE_URL, poolMax: env.DATABASE_POOL_MAX });
  await migrateDatabase(database);
  const app = await buildApp({
    env,
    database,
    logger: createLogger({ name: 'test', level: env.LOG_LEVEL }),
  });
  const admin = { authorization: `Bearer ${ADMIN_KEY}` };
  return {
    app,
    database,
    env,
    admin,
    async keyFor(ownerId, scopes) {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/api-keys',
        headers: admin,
        payload: { name: `key-${randomUUID().slice(0, 8)}`, scopes, ownerId },
      });
      if (response.statusCode !== 201) throw new Error(`could not create key: ${response.body}`);
      const body = response.json() as { key: string; id: string };
      return { authorization: `Bearer ${body.key}`, id: body.id };
    },
    userToken: signUserToken,
    async close() {
      await app.close();
      await database.close();
      await server?.drop();
    },
  };
}

/** A Supabase access token for `userId`, signed with the test HS256 secret. */
export function signUserToken(
  userId: string,
  options: { expiresIn?: string | number; secret?: string; role?: string } = {},
): Promise<string> {
  return new SignJWT({ role: options.role ?? 'authenticated' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setAudience('authenticated')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(options.secret ?? SUPABASE_SECRET));
}

/** Environment pointing the API at a loopback LiveKit server. */
export function livekitEnvFor(livekit: LoopbackLiveKitServer): Record<string, string> {
  return {
    LIVEKIT_URL: livekit.wsUrl,
    LIVEKIT_API_KEY: livekit.apiKey,
    LIVEKIT_API_SECRET: livekit.apiSecret,
  };
}

/** A valid definition with overrides. */
export function definition(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: 1,
    name: 'Support bot',
    instructions: 'Help customers with their orders.',
    greeting: { mode: 'say', text: 'Hello! How can I help?' },
    llm: { provider: 'openai', model: 'gpt-4.1-mini' },
    stt: { provider: 'deepgram', model: 'nova-3' },
    tts: { provider: 'cartesia', voice: 'voice-1' },
    ...overrides,
  };
}
