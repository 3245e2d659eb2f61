import { randomUUID } from 'node:crypto';
import { ChatMessagesRecord } from '@voxie/agent-core';
import { parseDispatchMetadata } from '@voxie/config';
import {
  type LoopbackLiveKitServer,
  type OpenAIChatRequest,
  type OpenAICompatibleServer,
  startLoopbackLiveKit,
  startOpenAICompatibleServer,
} from '@voxie/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, definition, livekitEnvFor, type TestApp } from '../test-app.js';

function systemText(request: OpenAIChatRequest): string {
  return request.body.messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => String(m.content))
    .join('\n');
}

/** One fake model server playing the caller, the agent and the judge, told apart by their prompts. */
function respond(request: OpenAIChatRequest) {
  const system = systemText(request);
  const said = request.body.messages.filter((m) => m.role === 'assistant').length;
  if (system.includes('role-playing')) {
    return { text: said === 0 ? 'I was charged twice.' : 'Thanks, bye [END]' };
  }
  if (system.includes('You evaluate')) {
    return { text: '{"verdict":"pass","reason":"The agent refunded the charge."}' };
  }
  return { text: 'I refunded the duplicate charge.' };
}

describe('simulations API', () => {
  let livekit: LoopbackLiveKitServer;
  let models: OpenAICompatibleServer;
  let t: TestApp;
  const owner = randomUUID();
  let headers: { authorization: string };
  let agentId: string;

  beforeAll(async () => {
    livekit = await startLoopbackLiveKit();
    models = await startOpenAICompatibleServer({ replies: respond });
    t = await createTestApp({ env: { ...livekitEnvFor(livekit), OPENAI_API_KEY: 'sk-test' } });
    headers = await t.keyFor(owner, ['agents:read', 'agents:write', 'simulations:write']);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/agents',
      headers,
      payload: {
        definition: definition({
          greeting: { mode: 'wait' },
          llm: { provider: 'openai', model: 'agent-model', baseURL: models.baseURL },
        }),
      },
    });
    agentId = created.json().id;
    const published = await t.app.inject({
      method: 'POST',
      url: `/v1/agents/${agentId}/publish`,
      headers,
    });
    expect(published.statusCode).toBe(201);
  });
  afterAll(async () => {
    await t.close();
    await models.close();
    await livekit.close();
  });

  const llm = (model: string) => ({ provider: 'openai', model, baseURL: models.baseURL });

  async function waitFor(id: string, status: string) {
    for (let i = 0; i < 200; i += 1) {
      const response = await t.app.inject({ method: 'GET', url: `/v1/simulations/${id}`, headers });
      if (response.json().status === status) return response.json();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`simulation ${id} never reached ${status}`);
  }

  it('runs a text simulation in the background, judges it and exports JSONL', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/simulations',
      headers,
      payload: {
        agentId,
        scenarios: [
          {
            name: 'double-charge',
            callerWants: 'A refund.',
            maxTurns: 4,
            successCriteria: [{ id: 'refunds', description: 'The agent refunds the charge.' }],
            checks: [{ type: 'phrase_never_said', phrase: 'cannot help' }],
          },
        ],
        personas: ['calm-customer', 'angry-customer'],
        runs: 2,
        concurrency: 3,
        callerLlm: llm('caller-model'),
        judgeLlm: llm('judge-model'),
      },
    });
    expect(created.statusCode).toBe(202);
    const body = created.json();
    expect(body.mode).toBe('text');
    expect(body.runs.map((r: { persona: string }) => r.persona)).toEqual([
      'calm-customer',
      'calm-customer',
      'angry-customer',
      'angry-customer',
    ]);

    const done = await waitFor(body.id, 'completed');
    expect(done.summary).toMatchObject({ runs: 4, passed: 4, passRate: 1 });
    for (const run of done.runs) {
      expect(run.status).toBe('passed');
      expect(run.roomName).toBe(`sim-${body.id}-${run.runIndex}`);
      expect(run.verdicts).toEqual([
        {
          id: 'refunds',
          kind: 'judge',
          required: true,
          passed: true,
          reason: 'The agent refunded the charge.',
        },
        expect.objectContaining({ id: 'phrase_never_said:cannot help', passed: true }),
      ]);
      expect(run.metrics).toMatchObject({ turns: 1, endReason: 'end_condition' });
    }
    // Each role used its own model.
    expect(new Set(models.requests.map((r) => r.body.model))).toEqual(
      new Set(['agent-model', 'caller-model', 'judge-model']),
    );

    const exported = await t.app.inject({
      method: 'GET',
      url: `/v1/simulations/${body.id}/export`,
      headers,
    });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toContain('application/x-ndjson');
    const lines = exported.body.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      const record = ChatMessagesRecord.parse(JSON.parse(line));
      expect(record.messages).toEqual([
        { role: 'system', content: 'Help customers with their orders.' },
        { role: 'user', content: 'I was charged twice.' },
        { role: 'assistant', content: 'I refunded the duplicate charge.' },
      ]);
    }

    const listed = await t.app.inject({ method: 'GET', url: '/v1/simulations', headers });
    expect(listed.json().items.map((s: { id: string }) => s.id)).toContain(body.id);

    const stranger = await t.keyFor(randomUUID(), ['agents:read']);
    const hidden = await t.app.inject({
      method: 'GET',
      url: `/v1/simulations/${body.id}`,
      headers: stranger,
    });
    expect(hidden.statusCode).toBe(404);
    const strangersList = await t.app.inject({
      method: 'GET',
      url: '/v1/simulations',
      headers: stranger,
    });
    expect(strangersList.json().items).toEqual([]);
  });

  it('rejects unknown library names, unknown agents and missing scopes', async () => {
    const post = (payload: Record<string, unknown>, h = headers) =>
      t.app.inject({ method: 'POST', url: '/v1/simulations', headers: h, payload });
    const unknown = await post({
      agentId,
      scenarios: ['no-such-thing'],
      personas: ['calm-customer'],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toContain('no scenario named "no-such-thing"');
    const missing = await post({
      agentId: randomUUID(),
      scenarios: ['billing-dispute'],
      personas: ['calm-customer'],
    });
    expect(missing.statusCode).toBe(404);
    const readOnly = await t.keyFor(owner, ['agents:read']);
    const forbidden = await post(
      { agentId, scenarios: ['billing-dispute'], personas: ['calm-customer'] },
      readOnly,
    );
    expect(forbidden.statusCode).toBe(403);
  });

  it('room mode: two spawner dispatches per sim room with distinct roles, idempotent on retry', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/simulations',
      headers,
      payload: {
        agentId,
        mode: 'room',
        scenarios: ['billing-dispute'],
        personas: ['calm-customer'],
        runs: 2,
      },
    });
    expect(created.statusCode).toBe(202);
    const body = created.json();
    expect(body.status).toBe('running');
    const check = () => {
      for (const run of body.runs) {
        const room = `sim-${body.id}-${run.runIndex}`;
        const dispatches = livekit.dispatches(room);
        expect(dispatches.map((d) => d.agentName)).toEqual(['spawner', 'spawner']);
        const metadata = dispatches.map((d) => {
          const parsed = parseDispatchMetadata(d.metadata);
          if (!parsed.ok) throw new Error(parsed.reason);
          return parsed.metadata;
        });
        expect(metadata.map((m) => m.role)).toEqual(['agent', 'caller']);
        for (const m of metadata) {
          expect(m).toMatchObject({
            agentId,
            simulationId: body.id,
            runIndex: run.runIndex,
            ownerId: owner,
            versionId: body.agentVersionId,
          });
          expect(m.sessionId).toBe(metadata[0]?.sessionId);
        }
      }
    };
    check();
    const retried = await Promise.all(
      [1, 2].map(() =>
        t.app.inject({ method: 'POST', url: `/v1/simulations/${body.id}/start`, headers }),
      ),
    );
    expect(retried.map((r) => r.statusCode)).toEqual([202, 202]);
    check();
    const got = await t.app.inject({ method: 'GET', url: `/v1/simulations/${body.id}`, headers });
    expect(
      got
        .json()
        .runs.map((r: { status: string; sessionId: string | null }) => [
          r.status,
          Boolean(r.sessionId),
        ]),
    ).toEqual([
      ['running', true],
      ['running', true],
    ]);
  });
});
