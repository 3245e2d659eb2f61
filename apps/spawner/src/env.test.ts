import { ConfigError } from '@voxie/config';
import { describe, expect, it } from 'vitest';
import { loadConsoleEnv, loadSpawnerEnv, providerKeysFrom, secretResolverFrom } from './env.js';

describe('spawner environment', () => {
  it('lists every problem at once, never a secret value', () => {
    let error: unknown;
    try {
      loadSpawnerEnv({
        NODE_ENV: 'production',
        LIVEKIT_API_SECRET: 'very-secret-value',
        DRAIN_TIMEOUT_MS: '-1',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('LIVEKIT_URL: is required');
    expect(message).toContain('LIVEKIT_API_KEY: is required');
    expect(message).toContain('DRAIN_TIMEOUT_MS: must not be negative');
    expect(message).not.toContain('very-secret-value');
  });

  it('defaults for development and offers LiveKit Inference only on LiveKit Cloud', () => {
    const env = loadSpawnerEnv({ NODE_ENV: 'development', OPENAI_API_KEY: 'sk' });
    expect(env).toMatchObject({
      PORT: 8081,
      AGENT_CACHE_TTL_MS: 30_000,
      AGENT_CACHE_MISS_TTL_MS: 2_000,
    });
    expect(providerKeysFrom(env)).toMatchObject({ openaiApiKey: 'sk' });
    expect(providerKeysFrom(env).livekitApiKey).toBeUndefined();
    const cloud = loadSpawnerEnv({
      NODE_ENV: 'production',
      LIVEKIT_URL: 'wss://demo.livekit.cloud',
      LIVEKIT_API_KEY: 'k',
      LIVEKIT_API_SECRET: 's',
    });
    expect(providerKeysFrom(cloud)).toMatchObject({ livekitApiKey: 'k', livekitApiSecret: 's' });
  });

  it('needs no LiveKit settings for the console', () => {
    expect(loadConsoleEnv({ NODE_ENV: 'production' }).DATABASE_URL).toBeUndefined();
  });

  it('resolves tool secrets from VOXIE_SECRET_<NAME>', () => {
    const secrets = secretResolverFrom({ VOXIE_SECRET_CRM_TOKEN: 'abc', OTHER: 'x' });
    expect(secrets('crm_token')).toBe('abc');
    expect(secrets('CRM_TOKEN')).toBe('abc');
    expect(secrets('other')).toBeUndefined();
  });
});
