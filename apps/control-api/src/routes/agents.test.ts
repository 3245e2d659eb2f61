import { randomUUID } from 'node:crypto';
import { AGENT_CHANGES_CHANNEL } from '@voxie/agent-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, definition, type TestApp } from '../test-app.js';

describe('agents API', () => {
  let t: TestApp;
  let alice: { authorization: string };
  let bob: { authorization: string };
  let readOnly: { authorization: string };

  beforeAll(async () => {
    t = await createTestApp();
    alice = { authorization: `Bearer ${await t.userToken(randomUUID())}` };
    bob = (await t.keyFor(randomUUID(), ['agents:read', 'agents:write'])) as {
      authorization: string;
    };
    readOnly = (await t.keyFor(randomUUID(), ['agents:read'])) as { authorization: string };
  });
  afterAll(() => t.close());

  const create = (headers: { authorization: string }, def = definition()) =>
    t.app.inject({ method: 'POST', url: '/v1/agents', headers, payload: { definition: def } });

  it('creates an agent as a draft with defaults filled in', async () => {
    const response = await create(alice);
    expect(response.statusCode).toBe(201);
    const agent = response.json();
    expect(agent).toMatchObject({ name: 'Support bot', status: 'active', publishedVersion: null });
    expect(agent.definition.language).toBe('en');
    expect(agent.definition.turnHandling.vad).toBe(true);
    expect(response.headers['x-request-id']).toBeTruthy();
  });

  it('answers 400 naming every invalid field path', async () => {
    const response = await create(
      alice,
      definition({ llm: { provider: 'openai' }, greeting: { mode: 'say' }, name: '' }),
    );
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error).toBe('invalid_request');
    const paths = body.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.definition.llm.model',
        'body.definition.greeting.text',
        'body.definition.name',
      ]),
    );
    expect(body.message).toContain('body.definition.llm.model');

    const noBody = await t.app.inject({ method: 'POST', url: '/v1/agents', headers: alice });
    expect(noBody.statusCode).toBe(400);
    const badJson = await t.app.inject({
      method: 'POST',
      url: '/v1/agents',
      headers: { ...alice, 'content-type': 'application/json' },
      payload: '{"definition":',
    });
    expect(badJson.statusCode).toBe(400);
  });

  it('hides other owners’ agents behind 404 on every route', async () => {
    const id = (await create(alice)).json().id;
    const requests = [
      { method: 'GET', url: `/v1/agents/${id}` },
      { method: 'PATCH', url: `/v1/agents/${id}`, payload: { definition: { name: 'stolen' } } },
      { method: 'DELETE', url: `/v1/agents/${id}` },
      { method: 'POST', url: `/v1/agents/${id}/publish` },
      { method: 'POST', url: `/v1/agents/${id}/archive` },
      { method: 'GET', url: `/v1/agents/${id}/versions` },
      { method: 'POST', url: `/v1/agents/${id}/rollback`, payload: { version: 1 } },
    ] as const;
    for (const request of requests) {
      const response = await t.app.inject({ ...request, headers: bob });
      expect(response.statusCode, `${request.method} ${request.url}`).toBe(404);
      expect(response.json().message).toBe('agent not found');
    }
    const list = await t.app.inject({ method: 'GET', url: '/v1/agents', headers: bob });
    expect(list.json().items.map((a: { id: string }) => a.id)).not.toContain(id);
    expect(
      (await t.app.inject({ method: 'GET', url: `/v1/agents/${id}`, headers: alice })).statusCode,
    ).toBe(200);
  });

  it('merge-patches the draft and re-validates it', async () => {
    const id = (await create(alice)).json().id;
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/v1/agents/${id}`,
      headers: alice,
      payload: { definition: { name: 'Billing bot', llm: { temperature: 0.2 } } },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().name).toBe('Billing bot');
    expect(patched.json().definition.llm).toEqual({
      provider: 'openai',
      model: 'gpt-4.1-mini',
      temperature: 0.2,
    });

    const broken = await t.app.inject({
      method: 'PATCH',
      url: `/v1/agents/${id}`,
      headers: alice,
      payload: { definition: { llm: { temperature: 7 } } },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().issues[0].path).toBe('definition.llm.temperature');
    expect(
      (await t.app.inject({ method: 'GET', url: `/v1/agents/${id}`, headers: alice })).json()
        .definition.llm.temperature,
    ).toBe(0.2);
  });

  it('publishes immutable versions, lists them and rolls back', async () => {
    const id = (await create(alice)).json().id;
    const v1 = await t.app.inject({
      method: 'POST',
      url: `/v1/agents/${id}/publish`,
      headers: alice,
    });
    expect(v1.statusCode).toBe(201);
    expect(v1.json()).toMatchObject({ agentId: id, version: 1 });
    await t.app.inject({
      method: 'PATCH',
      url: `/v1/agents/${id}`,
      headers: alice,
      payload: { definition: { instructions: 'Version two.' } },
    });
    const v2 = await t.app.inject({
      method: 'POST',
      url: `/v1/agents/${id}/publish`,
      headers: alice,
    });
    expect(v2.json().version).toBe(2);
    expect(v2.json().definition.instructions).toBe('Version two.');

    const versions = await t.app.inject({
      method: 'GET',
      url: `/v1/agents/${id}/versions`,
      headers: alice,
    });
    expect(versions.json().items.map((v: { version: number }) => v.version)).toEqual([2, 1]);

    const rolled = await t.app.inject({
      method: 'POST',
      url: `/v1/agents/${id}/rollback`,
      headers: alice,
      payload: { version: 1 },
    });
    expect(rolled.statusCode).toBe(200);
    expect(rolled.json().publishedVersion).toBe(1);
    const missing = await t.app.inject({
      method: 'POST',
      url: `/v1/agents/${id}/rollback`,
      headers: alice,
      payload: { version: 7 },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toBe('agent has no version 7');
  });

  it('archives, refuses to publish archived agents, restores and deletes', async () => {
    const id = (await create(alice)).json().id;
    expect(
      (
        await t.app.inject({ method: 'POST', url: `/v1/agents/${id}/archive`, headers: alice })
      ).json().status,
    ).toBe('archived');
    const publish = await t.app.inject({
      method: 'POST',
      url: `/v1/agents/${id}/publish`,
      headers: alice,
    });
    expect(publish.statusCode).toBe(409);
    const archivedList = await t.app.inject({
      method: 'GET',
      url: '/v1/agents?status=archived',
      headers: alice,
    });
    expect(archivedList.json().items.map((a: { id: string }) => a.id)).toContain(id);
    expect(
      (
        await t.app.inject({ method: 'POST', url: `/v1/agents/${id}/unarchive`, headers: alice })
      ).json().status,
    ).toBe('active');
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/v1/agents/${id}`, headers: alice }))
        .statusCode,
    ).toBe(204);
    expect(
      (await t.app.inject({ method: 'GET', url: `/v1/agents/${id}`, headers: alice })).statusCode,
    ).toBe(404);
  });

  it('pages with cursors and rejects foreign cursors', async () => {
    const owner = { authorization: `Bearer ${await t.userToken(randomUUID())}` };
    for (let i = 0; i < 3; i++) await create(owner, definition({ name: `Agent ${i}` }));
    const first = await t.app.inject({ method: 'GET', url: '/v1/agents?limit=2', headers: owner });
    expect(first.json().items).toHaveLength(2);
    const second = await t.app.inject({
      method: 'GET',
      url: `/v1/agents?limit=2&cursor=${first.json().nextCursor}`,
      headers: owner,
    });
    expect(second.json().items).toHaveLength(1);
    expect(second.json().nextCursor).toBeNull();
    const bad = await t.app.inject({ method: 'GET', url: '/v1/agents?cursor=zzz', headers: owner });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toBe('querystring.cursor');
    const tooMany = await t.app.inject({
      method: 'GET',
      url: '/v1/agents?limit=1000',
      headers: owner,
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().issues[0].path).toBe('querystring.limit');
  });

  it('enforces scopes', async () => {
    const response = await create(readOnly);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({
      error: 'forbidden',
      message: 'this credential lacks the "agents:write" scope',
    });
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/agents', headers: readOnly })).statusCode,
    ).toBe(200);
  });

  it('rejects a malformed id with 400', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/v1/agents/not-a-uuid',
      headers: alice,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().issues[0]).toEqual({ path: 'params.id', message: 'must be a UUID' });
  });

  it('refuses to publish an agent whose providers this deployment has no keys for', async () => {
    const id = (
      await create(alice, definition({ tts: { provider: 'elevenlabs', voice: 'v' } }))
    ).json().id;
    const response = await t.app.inject({
      method: 'POST',
      url: `/v1/agents/${id}/publish`,
      headers: alice,
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().message).toContain('ELEVENLABS_API_KEY');
    expect(response.json().issues.map((i: { path: string }) => i.path)).toContain(
      'definition.tts.provider',
    );
    expect(
      (
        await t.app.inject({ method: 'GET', url: `/v1/agents/${id}/versions`, headers: alice })
      ).json().items,
    ).toEqual([]);
  });

  it('tells spawners when the published version changes (Postgres NOTIFY)', async () => {
    const client = new pg.Client({ connectionString: t.env.DATABASE_URL });
    await client.connect();
    const heard: string[] = [];
    client.on('notification', (message) => heard.push(message.payload ?? ''));
    await client.query(`listen "${AGENT_CHANGES_CHANNEL}"`);
    try {
      const id = (await create(alice)).json().id;
      await t.app.inject({ method: 'POST', url: `/v1/agents/${id}/publish`, headers: alice });
      await t.app.inject({ method: 'POST', url: `/v1/agents/${id}/archive`, headers: alice });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heard.filter((payload) => payload === id)).toHaveLength(2);
    } finally {
      await client.end();
    }
  });
});
