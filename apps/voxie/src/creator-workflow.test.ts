import { randomUUID } from 'node:crypto';
import { voice } from '@livekit/agents';
import {
  AgentDefinition,
  buildAgent,
  createAgentLoader,
  ProviderRegistry,
} from '@voxie/agent-core';
import { AgentRepository } from '@voxie/db';
import { ScriptedLLM } from '@voxie/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { prepareCreator } from './creator-session.js';
import {
  captureLogger,
  openTestDatabase,
  TEST_DEFAULTS,
  TEST_KEYS,
  type TestDatabase,
  toolOutputs,
} from './test-helpers.js';
import { DEFAULT_VOICE_CATALOG } from './voice-catalog.js';

describe('Voxie builds actions and specialists', () => {
  let db: TestDatabase;
  const sessions: voice.AgentSession[] = [];

  beforeAll(async () => {
    db = await openTestDatabase('voxie_workflow');
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((session) => session.close()));
  });
  afterAll(() => db?.cleanup());

  async function start(model: ScriptedLLM, ownerId: string) {
    const creator = await prepareCreator({
      database: db.database,
      ownerId,
      sessionId: randomUUID(),
      keys: TEST_KEYS,
      catalog: DEFAULT_VOICE_CATALOG,
      defaults: TEST_DEFAULTS,
      logger: captureLogger('voxie').logger,
    });
    const session = new voice.AgentSession({
      llm: model,
      vad: null,
      turnHandling: { turnDetection: null },
      userAwayTimeout: null,
    });
    sessions.push(session);
    await session.start({ agent: creator.agent });
    await creator.greet(session).waitForPlayout();
    return { session, creator };
  }

  it('publishes an agent with an HTTP action, hang-up and a billing specialist that really hands over', async () => {
    const owner = randomUUID();
    const model = new ScriptedLLM([
      { text: 'Hi! What are we building?' },
      {
        when: { userText: 'build it' },
        toolCalls: [
          { name: 'set_basics', args: { name: 'Shop Helper', language: 'fr' } },
          {
            name: 'set_instructions',
            args: { instructions: 'You are Shop Helper. Help customers track their orders.' },
          },
          { name: 'set_greeting', args: { mode: 'generate', text: 'Welcome them briefly.' } },
          { name: 'list_voices', args: { language: 'fr' } },
          { name: 'choose_voice', args: { voice_id: 'Coral' } },
          {
            name: 'add_http_tool',
            args: {
              name: 'track_order',
              description: 'Look up where an order is.',
              url: 'https://shop.example/api/orders/{orderId}',
              inputs: [{ name: 'orderId', description: 'the order number' }],
              secret_header: { header: 'Authorization', secret: 'shop_token', prefix: 'Bearer ' },
            },
          },
          { name: 'allow_hang_up', args: { enabled: true } },
          {
            name: 'add_specialist',
            args: {
              name: 'Billing',
              instructions: 'You are the billing specialist. Explain invoices and refunds.',
              when_to_transfer: 'when the customer asks about invoices or refunds',
            },
          },
          { name: 'review_draft' },
          { name: 'publish_agent' },
        ],
      },
      { when: { toolOutput: /Published/ }, text: 'It is live.' },
      { when: { userText: 'my agents' }, toolCalls: [{ name: 'list_my_agents' }] },
      { when: { toolOutput: /Your agents/ }, text: 'You have one agent.' },
    ]);
    const { session } = await start(model, owner);
    const outputs = toolOutputs(await session.run({ userInput: 'build it' }).wait());
    expect(outputs.filter((output) => output.isError)).toEqual([]);
    const byName = Object.fromEntries(outputs.map((output) => [output.name, output.output]));
    expect(byName.list_voices).toContain('Coral (id coral)');
    expect(byName.add_http_tool).toBe(
      'Added the action track_order: GET shop.example, using the stored secret shop_token.',
    );
    expect(byName.add_specialist).toContain(
      'The main agent hands callers over when the customer asks about invoices or refunds',
    );
    expect(byName.review_draft).toContain('Actions: track_order, end_call. Specialists: Billing.');
    expect(byName.publish_agent).toMatch(/Published Shop Helper, version 1/);
    const listed = toolOutputs(await session.run({ userInput: 'my agents' }).wait());
    expect(listed[0]?.output).toBe('Your agents: Shop Helper (published, version 1).');

    const [agent] = (await new AgentRepository(db.database.db).list(owner, { limit: 5 })).items;
    const loaded = await createAgentLoader(db.database, TEST_KEYS)(agent?.id ?? '');
    const definition = loaded?.definition;
    if (!definition) throw new Error(`not loadable: ${loaded?.problems.join('; ')}`);
    expect(definition.language).toBe('fr');
    expect(definition.tools).toMatchObject([
      {
        type: 'http',
        name: 'track_order',
        method: 'GET',
        headers: { Authorization: { secret: 'shop_token', prefix: 'Bearer ' } },
        parameters: { required: ['orderId'] },
      },
      { type: 'end_call', name: 'end_call' },
    ]);
    expect(definition.workflow).toMatchObject({
      entry: 'main',
      nodes: [
        { id: 'main', tools: ['track_order', 'end_call'] },
        { id: 'billing', name: 'Billing' },
      ],
    });

    // The stored workflow runs: the main agent hands a billing question to the specialist.
    const agentModel = new ScriptedLLM([
      {
        when: { userText: 'I was charged twice' },
        toolCalls: [{ name: 'transfer_to_billing' }],
      },
      {
        when: { instructions: 'billing specialist' },
        text: 'I can help with that refund.',
        times: Number.POSITIVE_INFINITY,
      },
    ]);
    const built = buildAgent(definition, {
      registry: new ProviderRegistry(TEST_KEYS),
      mode: 'text',
      llm: agentModel,
    });
    const running = built.createSession();
    sessions.push(running);
    await running.start({ agent: built.agent });
    const result = await running.run({ userInput: 'I was charged twice' }).wait();
    const handoff = result.events.find((event) => event.type === 'agent_handoff');
    expect(handoff).toBeDefined();
    expect(agentModel.lastRequest.instructions).toContain('billing specialist');
  });

  it('starts over on request, and a new session then starts fresh', async () => {
    const owner = randomUUID();
    const model = new ScriptedLLM([
      { text: 'Hi!' },
      {
        when: { userText: 'name it Temp' },
        toolCalls: [{ name: 'set_basics', args: { name: 'Temp' } }],
      },
      { when: { toolOutput: /Noted/ }, text: 'Noted.' },
      { when: { userText: 'start over' }, toolCalls: [{ name: 'start_over' }] },
      { when: { toolOutput: /from scratch/ }, text: 'Fresh start.' },
      { when: { userText: 'what do we have?' }, toolCalls: [{ name: 'review_draft' }] },
      { when: { toolOutput: /no name yet/ }, text: 'Nothing yet.' },
    ]);
    const { session, creator } = await start(model, owner);
    const firstDraft = creator.store.draftId;
    await session.run({ userInput: 'name it Temp' }).wait();
    await session.run({ userInput: 'start over' }).wait();
    expect(creator.store.draftId).not.toBe(firstDraft);
    const review = toolOutputs(await session.run({ userInput: 'what do we have?' }).wait());
    expect(review[0]?.output).toContain('It has no name yet.');
    model.assertScriptConsumed();
  });

  it('opens one of the owner’s agents by name mid-conversation and publishes a new version of it', async () => {
    const owner = randomUUID();
    const agents = new AgentRepository(db.database.db);
    const desk = await agents.create({
      ownerId: owner,
      name: 'Desk',
      draft: AgentDefinition.parse({
        schemaVersion: 1,
        name: 'Desk',
        instructions: 'You are Desk. Answer questions about opening hours.',
        greeting: { mode: 'wait' },
        llm: TEST_DEFAULTS.llm,
        stt: TEST_DEFAULTS.stt,
        tts: { provider: 'openai', voice: 'echo', model: 'gpt-4o-mini-tts' },
      }),
    });
    await agents.publish(owner, desk.id);
    const model = new ScriptedLLM([
      { text: 'Hi! New agent, or change one of yours?' },
      {
        when: { userText: 'change Desk' },
        toolCalls: [
          { name: 'list_my_agents' },
          { name: 'load_agent', args: { name_or_id: 'desk' } },
        ],
      },
      { when: { toolOutput: /Opened Desk/ }, text: 'Desk is open. What should change?' },
      {
        when: { userText: 'greet first' },
        toolCalls: [
          { name: 'set_greeting', args: { mode: 'say', text: 'Desk here, how can I help?' } },
          { name: 'publish_agent' },
        ],
      },
      { when: { toolOutput: /version 2/ }, text: 'Version 2 is live.' },
    ]);
    const { session, creator } = await start(model, owner);
    const opened = toolOutputs(await session.run({ userInput: 'change Desk' }).wait());
    expect(opened.map((output) => output.output)).toEqual([
      'Your agents: Desk (published, version 1).',
      expect.stringMatching(/^Opened Desk for changes\. It is called Desk\./),
    ]);
    expect(creator.store.agentId).toBe(desk.id);
    const published = toolOutputs(await session.run({ userInput: 'greet first' }).wait());
    expect(published.at(-1)?.output).toMatch(/^Published Desk, version 2\./);
    const versions = await agents.listVersions(owner, desk.id);
    expect(versions?.map((version) => version.version)).toEqual([2, 1]);
    expect(versions?.[0]?.definition).toMatchObject({
      greeting: { mode: 'say', text: 'Desk here, how can I help?' },
      tts: { voice: 'echo' },
    });
    model.assertScriptConsumed();
  });
});
