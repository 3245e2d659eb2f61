import { randomUUID } from 'node:crypto';
import { type LoopbackLiveKitServer, startLoopbackLiveKit } from '@voxie/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, definition, livekitEnvFor, type TestApp } from './test-app.js';

/** Every route, with `:x` placeholders for path parameters. */
const ROUTES: Array<[method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string]> = [
  ['GET', '/healthz'],
  ['GET', '/readyz'],
  ['GET', '/metrics'],
  ['POST', '/v1/agents'],
  ['GET', '/v1/agents'],
  ['GET', '/v1/agents/:x'],
  ['PATCH', '/v1/agents/:x'],
  ['DELETE', '/v1/agents/:x'],
  ['POST', '/v1/agents/:x/archive'],
  ['POST', '/v1/agents/:x/unarchive'],
  ['POST', '/v1/agents/:x/publish'],
  ['GET', '/v1/agents/:x/versions'],
  ['POST', '/v1/agents/:x/rollback'],
  ['POST', '/v1/sessions'],
  ['GET', '/v1/sessions'],
  ['GET', '/v1/sessions/:x'],
  ['POST', '/v1/voxie/sessions'],
  ['POST', '/v1/tokens'],
  ['GET', '/v1/rooms'],
  ['DELETE', '/v1/rooms/:x'],
  ['POST', '/v1/dispatches'],
  ['GET', '/v1/dispatches'],
  ['DELETE', '/v1/dispatches/:x'],
  ['POST', '/v1/api-keys'],
  ['GET', '/v1/api-keys'],
  ['DELETE', '/v1/api-keys/:x'],
  ['POST', '/v1/webhooks/livekit'],
  ['POST', '/v1/expert/route'],
  ['POST', '/v1/expert/diagnose'],
];

describe('fuzzing every route', () => {
  let livekit: LoopbackLiveKitServer;
  let t: TestApp;
  let user: string;
  let agentId: string;

  beforeAll(async () => {
    livekit = await startLoopbackLiveKit();
    t = await createTestApp({
      backend: 'pglite',
      env: {
        ...livekitEnvFor(livekit),
        RATE_LIMIT_MAX: '1000000',
      },
    });
    user = `Bearer ${await t.userToken(randomUUID())}`;
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/agents',
      headers: { authorization: user },
      payload: { definition: definition() },
    });
    agentId = created.json().id;
    await t.app.inject({
      method: 'POST',
      url: `/v1/agents/${agentId}/publish`,
      headers: { authorization: user },
    });
  });
  afterAll(async () => {
    await t.close();
    await livekit.close();
  });

  const json = fc.jsonValue({ maxDepth: 4 });
  const pathValue = fc.oneof(
    fc.uuid(),
    fc.constant(() => agentId).map((f) => f()),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
  );
  const body = fc.oneof(
    json.map((value) => JSON.stringify(value)),
    fc
      .record({
        definition: fc.oneof(json, fc.constant(definition())),
        agentId: fc.oneof(fc.uuid(), fc.string()),
      })
      .map((v) => JSON.stringify(v)),
    fc
      .record({
        room: fc.string(),
        identity: fc.string(),
        grants: fc.dictionary(fc.string(), json),
      })
      .map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 200 }),
    fc.constant(undefined),
  );
  const contentType = fc.constantFrom(
    undefined,
    'application/json',
    'application/webhook+json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'weird/type; charset=utf-8',
  );
  const authorization = fc.oneof(
    fc.constant<string | undefined>(undefined),
    fc.constant(`Bearer ${'vx_'}${'a'.repeat(40)}`),
    fc.constant('user'),
    fc.string({ maxLength: 60 }),
    fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`),
  );
  const query = fc.dictionary(
    fc.constantFrom('limit', 'cursor', 'status', 'kind', 'agentId', 'room', 'ownerId', 'x'),
    fc.string({ maxLength: 30 }),
  );

  it('never answers with a 5xx, whatever the input', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        pathValue,
        body,
        contentType,
        authorization,
        query,
        async ([method, path], param, payload, type, auth, params) => {
          const url = `${path.replace(':x', encodeURIComponent(param))}?${new URLSearchParams(params).toString()}`;
          const headers: Record<string, string> = {};
          if (type) headers['content-type'] = type;
          if (auth) headers.authorization = auth === 'user' ? user : auth;
          const response = await t.app.inject({
            method,
            url,
            headers,
            ...(payload === undefined || method === 'GET' ? {} : { payload }),
          });
          expect(
            response.statusCode,
            `${method} ${url} ${type} ${payload?.slice(0, 80)} -> ${response.body.slice(0, 200)}`,
          ).toBeLessThan(500);
          if (response.statusCode >= 400) expect(response.json()).toHaveProperty('error');
        },
      ),
      { numRuns: 1500 },
    );
  }, 120_000);
});
