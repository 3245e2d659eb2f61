import { describe, expect, it } from 'vitest';
import { appNamed, parseAppEnv, schemaReads, unreadKeys } from './apps.js';

// The checks the deployment tests rely on must catch what they are meant to catch.
describe('env schema checks', () => {
  it('flag a variable an app does not read, even one another app reads', () => {
    expect(unreadKeys(appNamed('control-api'), { PORT: '1', FOO_BAR: 'x', REDIS_URL: '' })).toEqual(
      ['FOO_BAR'],
    );
    expect(unreadKeys(appNamed('spawner'), { REDIS_URL: 'redis://r:6379' })).toEqual(['REDIS_URL']);
    expect(unreadKeys(appNamed('voxie'), { SHUTDOWN_GRACE_MS: '1' })).toEqual([
      'SHUTDOWN_GRACE_MS',
    ]);
  });

  it('recognise known variables whatever their value, and prefix families', () => {
    const api = appNamed('control-api');
    expect(schemaReads(api, 'NODE_ENV', 'production')).toBe(true);
    expect(schemaReads(api, 'SUPABASE_JWT_SECRET', '')).toBe(true); // empty: placeholder "x" fails min(32) under its own name
    expect(schemaReads(api, 'PORT', 'not-a-port')).toBe(true);
    expect(schemaReads(appNamed('spawner'), 'VOXIE_SECRET_CRM_TOKEN', 't')).toBe(true);
  });

  it('report a production environment without LiveKit settings as unusable', () => {
    for (const name of ['control-api', 'spawner', 'voxie']) {
      const result = parseAppEnv(appNamed(name), { NODE_ENV: 'production' });
      expect(result).toMatchObject({ ok: false });
      if (!result.ok) expect(result.message).toContain('LIVEKIT_API_SECRET: is required');
    }
  });
});
