import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, definition, type TestApp } from '../test-app.js';

describe('health, readiness, metrics and docs', () => {
  let t: TestApp;
  const livekit = createServer((_req, res) => res.end('OK'));

  beforeAll(async () => {
    await new Promise<void>((resolve) => livekit.listen(0, '127.0.0.1', resolve));
    t = await createTestApp({
      env: { LIVEKIT_URL: `ws://127.0.0.1:${(livekit.address() as AddressInfo).port}` },
    });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => livekit.close(resolve));
  });

  it('reports readiness of the database and LiveKit', async () => {
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ok',
      checks: {
        database: { ok: true, detail: 'postgres' },
        livekit: { ok: true, detail: 'HTTP 200' },
      },
    });

    await new Promise((resolve) => livekit.close(resolve));
    const degraded = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(degraded.statusCode).toBe(200);
    expect(degraded.json().status).toBe('degraded');
    expect(degraded.json().checks.livekit.ok).toBe(false);
  });

  it('answers 503 on /readyz when the database is gone', async () => {
    const own = await createTestApp();
    const name = new URL(own.env.DATABASE_URL ?? '').pathname.slice(1);
    const admin = new pg.Client({
      connectionString: 'postgres://postgres@127.0.0.1:5432/postgres',
    });
    await admin.connect();
    try {
      await admin.query(`alter database "${name}" allow_connections false`);
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1',
        [name],
      );
      const response = await own.app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json().status).toBe('unavailable');
      expect(response.json().checks.database.ok).toBe(false);
      expect((await own.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await admin.query(`alter database "${name}" allow_connections true`);
      await admin.end();
      await own.close();
    }
  });

  it('exposes Prometheus metrics for requests, errors and tokens', async () => {
    const user = { authorization: `Bearer ${await t.userToken(randomUUID())}` };
    await t.app.inject({
      method: 'POST',
      url: '/v1/agents',
      headers: user,
      payload: { definition: definition() },
    });
    await t.app.inject({ method: 'GET', url: '/v1/agents' });
    await t.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: t.admin,
      payload: { room: 'r', identity: 'i' },
    });
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    const text = metrics.body;
    expect(text).toMatch(
      /voxie_http_requests_total\{method="POST",route="\/v1\/agents",status_code="201"\} 1/,
    );
    expect(text).toMatch(
      /voxie_http_requests_total\{method="GET",route="\/v1\/agents",status_code="401"\} 1/,
    );
    expect(text).toMatch(/voxie_http_errors_total\{code="unauthenticated"\} 1/);
    expect(text).toMatch(/voxie_livekit_tokens_minted_total\{purpose="admin"\} 1/);
    expect(text).toContain('voxie_http_request_duration_seconds_bucket');
  });

  it('serves OpenAPI documentation of the v1 routes', async () => {
    const spec = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(spec.statusCode).toBe(200);
    const paths = Object.keys(spec.json().paths);
    for (const path of [
      '/v1/agents',
      '/v1/agents/{id}/publish',
      '/v1/sessions',
      '/v1/voxie/sessions',
      '/v1/tokens',
      '/v1/webhooks/livekit',
      '/v1/dispatches',
    ]) {
      expect(paths).toContain(path);
    }
    expect(spec.json().paths['/v1/agents'].post.requestBody).toBeDefined();
    expect((await t.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('echoes a valid request id and replaces an unsafe one', async () => {
    const kept = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'bad id\n' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
