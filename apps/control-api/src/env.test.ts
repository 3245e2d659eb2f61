import { ConfigError } from '@voxie/config';
import { describe, expect, it } from 'vitest';
import { loadControlApiEnv } from './env.js';

describe('control API environment', () => {
  it('runs on embedded defaults in development', () => {
    const env = loadControlApiEnv({ NODE_ENV: 'development' });
    expect(env).toMatchObject({
      PORT: 8080,
      HOST: '0.0.0.0',
      VOXIE_DATA_DIR: './.voxie',
      LIVEKIT_API_KEY: 'devkey',
    });
  });

  it('requires LiveKit settings in production and names each missing one', () => {
    expect(() => loadControlApiEnv({})).toThrow(ConfigError);
    expect(() => loadControlApiEnv({})).toThrow(
      /LIVEKIT_URL: is required[\s\S]*LIVEKIT_API_KEY: is required[\s\S]*LIVEKIT_API_SECRET: is required/,
    );
  });
});
