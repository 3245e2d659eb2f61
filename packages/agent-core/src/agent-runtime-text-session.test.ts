import { randomUUID } from 'node:crypto';
import { initializeLogger, voice } from '@livekit/agents';
import {
  AgentRepository,
  type Database,
  SessionRecordingRepository,
  SessionRepository,
  TranscriptRepository,
} from '@voxie/db';
import { openTestDatabase } from '@voxie/db/testing';
import { ScriptedLLM } from '@voxie/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentDefinition, type AgentDefinitionInput } from './agent-definition.js';
import { buildAgent } from './agent-factory.js';
import { createDatabaseSink } from './database-sink.js';
import { ProviderRegistry } from './providers/provider-registry.js';
import { SessionRecorder } from './session-recorder.js';
import { startToolServer } from './test-tool-server.js';
import { END_CALL_REASON } from './tools/end-call-tool.js';
import type { ToolCallReport } from './tools/http-tool.js';

const SECRET = 'orders-secret-value-123';

describe('a stored definition in a text session', () => {
  let db: { database: Database; cleanup(): Promise<void> };
  let server: Awaited<ReturnType<typeof startToolServer>>;
  const owner = randomUUID();

  beforeAll(async () => {
    initializeLogger({ pretty: false, level: 'silent' });
    db = await openTestDatabase('agent_core_text');
    server = await startToolServer({
      '/orders/': (request) => ({
        json: { orderId: request.path.split('/').at(-1), status: 'shipped', eta: 'Friday' },
      }),
      '/slow': () => ({ json: { late: true }, delayMs: 2_000 }),
      '/fail': () => ({ status: 500, json: { error: 'database down' } }),
      '/big': () => ({ text: 'x'.repeat(4096) }),
      '/echo': (request) => ({ status: 502, json: { youSent: request.headers.authorization } }),
    });
  });
  afterAll(async () => {
    await server?.close();
    await db?.cleanup();
  });

  function definitionInput(): AgentDefinitionInput {
    return {
      schemaVersion: 1,
      name: 'Order desk',
      instructions: 'You answer questions about orders.',
      greeting: { mode: 'say', text: 'Hello, this is the order desk.' },
      llm: { provider: 'openai', model: 'gpt-4.1-mini' },
      stt: { provider: 'deepgram', model: 'nova-3' },
      tts: { provider: 'cartesia', voice: 'v' },
      tools: [
        {
          type: 'http',
          name: 'lookup_order',
          description: 'Look up an order by its number.',
          method: 'GET',
          url: `${server.url}/orders/{orderId}`,
          parameters: {
            type: 'object',
            properties: {
              orderId: { type: 'string', pattern: '^[0-9]+$' },
              includeItems: { type: 'boolean' },
            },
            required: ['orderId'],
          },
          headers: {
            Authorization: { secret: 'orders_token', prefix: 'Bearer ' },
            'X-Client': 'voxie',
          },
        },
        {
          type: 'http',
          name: 'slow_tool',
          description: 'Slow.',
          url: `${server.url}/slow`,
          timeoutMs: 300,
        },
        { type: 'http', name: 'failing_tool', description: 'Fails.', url: `${server.url}/fail` },
        {
          type: 'http',
          name: 'big_tool',
          description: 'Too big.',
          method: 'GET',
          url: `${server.url}/big`,
          maxResponseBytes: 1024,
        },
        { type: 'end_call' },
      ],
    };
  }

  it('calls tools, turns failures into tool errors, ends the call and stores the transcript in order', async () => {
    const agents = new AgentRepository(db.database.db);
    const stored = await agents.create({
      ownerId: owner,
      name: 'Order desk',
      draft: definitionInput(),
    });
    await agents.publish(owner, stored.id);
    const published = await agents.findPublishedForWorker(stored.id);
    if (!published) throw new Error('not published');
    const definition = AgentDefinition.parse(published.version.definition);

    const model = new ScriptedLLM([
      {
        when: { userText: 'Where is order 42?' },
        toolCalls: [{ name: 'lookup_order', args: { orderId: '42', includeItems: true } }],
      },
      { when: { toolOutput: /shipped/ }, text: 'Order 42 has shipped and arrives Friday.' },
      {
        when: { userText: 'And order abc?' },
        toolCalls: [{ name: 'lookup_order', args: { orderId: 'abc' } }],
      },
      { when: { toolOutput: /Invalid arguments/ }, text: 'That order number looks wrong.' },
      { when: { userText: 'Try the slow one' }, toolCalls: [{ name: 'slow_tool' }] },
      { when: { toolOutput: /did not answer within 300 ms/ }, text: 'The service is slow.' },
      { when: { userText: 'Try the failing one' }, toolCalls: [{ name: 'failing_tool' }] },
      { when: { toolOutput: /HTTP 500/ }, text: 'The service has a problem.' },
      { when: { userText: 'Try the big one' }, toolCalls: [{ name: 'big_tool' }] },
      { when: { toolOutput: /larger than 1024 bytes/ }, text: 'That answer was too long.' },
      { when: { userText: 'That is all, bye' }, toolCalls: [{ name: 'end_call' }] },
      { when: { toolOutput: /goodbye/ }, text: 'Goodbye, have a nice day!' },
    ]);

    const reports: ToolCallReport[] = [];
    let endCalls = 0;
    const built = buildAgent(definition, {
      registry: new ProviderRegistry({}),
      mode: 'text',
      llm: model,
      tools: {
        secrets: (name) => (name === 'orders_token' ? SECRET : undefined),
        onToolCall: (report) => reports.push(report),
        onEndCall: () => endCalls++,
      },
    });

    const recording = new SessionRecordingRepository(db.database.db);
    const row = await recording.start({
      ownerId: published.agent.ownerId,
      kind: 'agent',
      roomName: `text-${randomUUID()}`,
      agentId: published.agent.id,
      agentVersionId: published.version.id,
    });
    const session = built.createSession();
    const recorder = new SessionRecorder({
      sessionId: row.id,
      sink: createDatabaseSink(db.database),
      batchSize: 3,
    }).attach(session);
    const closed = new Promise<string>((resolve) =>
      session.once(voice.AgentSessionEventTypes.Close, (event) => resolve(String(event.reason))),
    );

    await session.start({ agent: built.agent });
    await built.greet(session)?.waitForPlayout();
    for (const userInput of [
      'Where is order 42?',
      'And order abc?',
      'Try the slow one',
      'Try the failing one',
      'Try the big one',
    ]) {
      await session.run({ userInput }).wait();
    }
    // The last turn ends the call: the session closes by itself.
    session.run({ userInput: 'That is all, bye' });
    const reason = await closed;
    expect(reason).toBe(END_CALL_REASON);
    expect(endCalls).toBe(1);
    await recorder.finish({ endReason: reason, usage: session.usage });
    model.assertScriptConsumed();

    // Only the valid call reached the server, with the secret header and the query argument.
    const orderCalls = server.received.filter((r) => r.path.startsWith('/orders/'));
    expect(orderCalls).toHaveLength(1);
    expect(orderCalls[0]).toMatchObject({
      method: 'GET',
      path: '/orders/42',
      query: { includeItems: 'true' },
    });
    expect(orderCalls[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(orderCalls[0]?.headers['x-client']).toBe('voxie');

    // The server's reply reached the LLM.
    const afterLookup = model.requests[1];
    const lookupOutput = afterLookup?.items.at(-1);
    expect(lookupOutput).toMatchObject({ type: 'function_call_output', isError: false });
    expect(
      JSON.parse(lookupOutput?.type === 'function_call_output' ? lookupOutput.output : ''),
    ).toEqual({
      orderId: '42',
      status: 'shipped',
      eta: 'Friday',
    });
    expect(reports.map((r) => r.outcome)).toEqual([
      'ok',
      'invalid_arguments',
      'timeout',
      'http_error',
      'too_large',
    ]);

    // The transcript in Postgres is the conversation, exactly and in order.
    const transcript = await new TranscriptRepository(db.database.db).list(
      published.agent.ownerId,
      row.id,
    );
    const summary = transcript.map((item) => {
      const content = item.content as Record<string, unknown>;
      if (item.type === 'message') return `${item.role}: ${content.text}`;
      if (item.type === 'function_call') return `call ${content.name} ${content.arguments}`;
      if (item.type === 'agent_handoff') return `handoff ${content.from} -> ${content.to}`;
      return `output ${content.name}${content.isError ? ' (error)' : ''}`;
    });
    expect(summary).toEqual([
      `handoff null -> ${built.agent.id}`,
      'assistant: Hello, this is the order desk.',
      'user: Where is order 42?',
      'call lookup_order {"orderId":"42","includeItems":true}',
      'output lookup_order',
      'assistant: Order 42 has shipped and arrives Friday.',
      'user: And order abc?',
      'call lookup_order {"orderId":"abc"}',
      'output lookup_order (error)',
      'assistant: That order number looks wrong.',
      'user: Try the slow one',
      'call slow_tool {}',
      'output slow_tool (error)',
      'assistant: The service is slow.',
      'user: Try the failing one',
      'call failing_tool {}',
      'output failing_tool (error)',
      'assistant: The service has a problem.',
      'user: Try the big one',
      'call big_tool {}',
      'output big_tool (error)',
      'assistant: That answer was too long.',
      'user: That is all, bye',
      'call end_call {}',
      'output end_call',
      'assistant: Goodbye, have a nice day!',
    ]);
    expect(transcript.map((item) => item.seq)).toEqual(transcript.map((_, i) => i));
    // ...and the same order the framework's own history has.
    const historyIds = session.history.items
      .filter((item) => item.type !== 'agent_config_update')
      .map((item) => item.id);
    expect(transcript.map((item) => (item.content as { id: string }).id)).toEqual(historyIds);

    // No secret value was stored anywhere in the transcript.
    expect(JSON.stringify(transcript)).not.toContain(SECRET);

    // The session row is closed with the end reason, usage and metrics.
    const sessionRow = await new SessionRepository(db.database.db).get(owner, row.id);
    expect(sessionRow).toMatchObject({ status: 'ended', endReason: END_CALL_REASON });
    expect(sessionRow?.endedAt).toBeInstanceOf(Date);
    expect(sessionRow?.usage).toEqual(session.usage);
    expect(
      (sessionRow?.metrics as { llmTtft?: { count: number } } | undefined)?.llmTtft?.count,
    ).toBe(model.requests.length);
  });

  it('never hands a secret a service echoes back to the LLM', async () => {
    const definition = AgentDefinition.parse({
      ...definitionInput(),
      tools: [
        {
          type: 'http',
          name: 'echo',
          description: 'Echo.',
          url: `${server.url}/echo`,
          headers: { Authorization: { secret: 'orders_token', prefix: 'Bearer ' } },
        },
      ],
    });
    const model = new ScriptedLLM([
      { when: { userText: 'echo' }, toolCalls: [{ name: 'echo' }] },
      { when: { toolOutput: /HTTP 502/ }, text: 'The echo service failed.' },
    ]);
    const built = buildAgent(definition, {
      registry: new ProviderRegistry({}),
      mode: 'text',
      llm: model,
      tools: { secrets: () => SECRET },
    });
    const session = built.createSession();
    await session.start({ agent: built.agent });
    await session.run({ userInput: 'echo' }).wait();
    await session.close();
    const output = model.lastRequest.lastToolOutput ?? '';
    expect(output).toContain('Bearer [redacted]');
    expect(JSON.stringify(model.requests.map((r) => r.items))).not.toContain(SECRET);
    expect(server.received.at(-1)?.headers.authorization).toBe(`Bearer ${SECRET}`);
  });
});
