import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { loadEnv } from './load-env.js';
import {
  commonEnv,
  databaseEnv,
  LIVEKIT_DEV_DEFAULTS,
  livekitEnv,
  portEnv,
  providerEnv,
  redisEnv,
  supabaseEnv,
} from './variables.js';

const appEnv = (mode: Parameters<typeof livekitEnv>[0]) =>
  z.object({
    ...commonEnv,
    ...livekitEnv(mode),
    ...databaseEnv,
    ...supabaseEnv,
    ...providerEnv,
    ...redisEnv,
    ...portEnv('PORT', 8080),
  });

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadEnv', () => {
  it('uses livekit-server --dev values only when NODE_ENV=development', () => {
    const env = loadEnv(appEnv, { NODE_ENV: 'development' });
    expect(env.LIVEKIT_URL).toBe(LIVEKIT_DEV_DEFAULTS.LIVEKIT_URL);
    expect(env.LIVEKIT_API_KEY).toBe('devkey');
    expect(env.PORT).toBe(8080);
    expect(env.VOXIE_DATA_DIR).toBe('./.voxie');
    expect(env.DATABASE_URL).toBeUndefined();

    const error = errorOf(() => loadEnv(appEnv, {}));
    expect(error.code).toBe('invalid_env');
    expect(error.message).toContain('LIVEKIT_URL: is required');
    expect(error.message).toContain('LIVEKIT_API_SECRET: is required');
  });

  it('reports every bad variable in one error without printing secret values', () => {
    const secrets = {
      LIVEKIT_API_SECRET: 'super-secret-value-1234',
      SUPABASE_JWT_SECRET: 'short-jwt-secret',
      DATABASE_URL: 'mysql://admin:hunter2-password@db:3306/x',
      REDIS_URL: 'http://:redis-pass-9876@cache:6379',
      OPENAI_BASE_URL: 'not a url sk-abcdefghijklmnopqrstuvwxyz',
    };
    const error = errorOf(() =>
      loadEnv(appEnv, {
        NODE_ENV: 'production',
        LIVEKIT_URL: 'ftp://example.com',
        PORT: '99999',
        LOG_LEVEL: 'loud',
        ...secrets,
      }),
    );
    const message = error.message;
    for (const name of [
      'LIVEKIT_URL',
      'LIVEKIT_API_KEY',
      'SUPABASE_JWT_SECRET',
      'DATABASE_URL',
      'REDIS_URL',
      'OPENAI_BASE_URL',
      'PORT',
      'LOG_LEVEL',
    ]) {
      expect(message).toContain(`${name}:`);
    }
    expect(message).toContain('8 problems');
    expect(message).not.toContain('LIVEKIT_API_SECRET:');
    for (const value of Object.values(secrets)) expect(message).not.toContain(value);
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('redis-pass');
  });

  it('rejects an unknown NODE_ENV with the rest of the problems', () => {
    const error = errorOf(() => loadEnv(appEnv, { NODE_ENV: 'staging', PORT: 'abc' }));
    expect(error.message).toContain('NODE_ENV: must be one of development, test, production');
    expect(error.message).toContain('PORT: must be a port number');
  });

  it('treats empty strings as unset and coerces numbers', () => {
    const env = loadEnv(appEnv, {
      NODE_ENV: 'production',
      LIVEKIT_URL: 'wss://example.livekit.cloud',
      LIVEKIT_API_KEY: 'key',
      LIVEKIT_API_SECRET: 'secret',
      DATABASE_URL: '',
      PORT: '0',
      DATABASE_POOL_MAX: '25',
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PORT).toBe(0);
    expect(env.DATABASE_POOL_MAX).toBe(25);
  });
});
