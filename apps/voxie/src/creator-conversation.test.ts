import { randomUUID } from 'node:crypto';
import { voice } from '@livekit/agents';
import {
  AgentDefinition,
  createAgentLoader,
  ProviderRegistry,
  PublishedAgentCache,
} from '@voxie/agent-core';
import { formatAgentRoomName } from '@voxie/config';
import { AgentRepository, VoxieDraftRepository } from '@voxie/db';
import { evaluateJob, startAgentSession } from '@voxie/spawner';
import { ScriptedLLM } from '@voxie/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PreparedCreator, prepareCreator } from './creator-session.js';
import {
  assistantTexts,
  captureLogger,
  openTestDatabase,
  TEST_DEFAULTS,
  TEST_KEYS,
  type TestDatabase,
  toolOutputs,
} from './test-helpers.js';
import { DEFAULT_VOICE_CATALOG } from './voice-catalog.js';

/** Words that would mean a schema or stack trace reached the person instead of plain language. */
const NOT_SPEAKABLE =
  /Invalid input|expected (string|number|object)|ZodError|undefined|\[object|\{"|at Object|Error:/;

describe('Voxie creation conversations (text sessions, scripted LLM)', () => {
  let db: TestDatabase;
  const sessions: voice.AgentSession[] = [];

  beforeAll(async () => {
    db = await openTestDatabase('voxie_conversation');
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((session) => session.close()));
  });
  afterAll(() => db?.cleanup());

  async function startCreator(
    model: ScriptedLLM,
    options: { ownerId: string; sessionId?: string; editAgentId?: string },
  ): Promise<{ session: voice.AgentSession; creator: PreparedCreator }> {
    const creator = await prepareCreator({
      database: db.database,
      ownerId: options.ownerId,
      sessionId: options.sessionId ?? randomUUID(),
      editAgentId: options.editAgentId,
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

  const say = (session: voice.AgentSession, text: string) =>
    session.run({ userInput: text }).wait();

  it('creates an agent: a problem is explained, corrected, saved, published; the spawner loads exactly it and it greets as specified', async () => {
    const owner = randomUUID();
    const instructions =
      'You are Smile Desk, the receptionist of Smile Dental. Patients call you to book, move or cancel appointments. Be warm and brief.';
    const model = new ScriptedLLM([
      { text: "Hi, I'm Voxie! What should your new agent do?" },
      {
        when: { userText: /dental clinic/ },
        toolCalls: [
          {
            name: 'set_basics',
            args: {
              name: 'Smile Desk',
              purpose: 'Answer calls for Smile Dental and manage appointments',
              audience: 'patients of the clinic',
              personality: 'warm and brief',
            },
          },
          { name: 'set_instructions', args: { instructions } },
        ],
      },
      { when: { toolOutput: /instructions are written/ }, text: 'How should it greet callers?' },
      {
        when: { userText: /greet them/ },
        toolCalls: [{ name: 'set_greeting', args: { mode: 'say' } }],
      },
      {
        when: { toolOutput: /greeting text is missing/ },
        text: 'What exactly should it say first?',
      },
      {
        when: { userText: /Thanks for calling/ },
        toolCalls: [
          {
            name: 'set_greeting',
            args: { mode: 'say', text: 'Thanks for calling Smile Dental, how can I help?' },
          },
        ],
      },
      { when: { toolOutput: /will open with/ }, text: 'Lovely. Shall I save it?' },
      { when: { userText: 'save it' }, toolCalls: [{ name: 'save_draft' }] },
      { when: { toolOutput: /still needs a voice/ }, text: 'It still needs a voice. Nova?' },
      {
        when: { userText: /Nova/ },
        toolCalls: [{ name: 'choose_voice', args: { voice_id: 'nova' } }, { name: 'save_draft' }],
      },
      { when: { toolOutput: /Saved Smile Desk/ }, text: 'Saved. Publish it?' },
      { when: { userText: 'publish' }, toolCalls: [{ name: 'publish_agent' }] },
      { when: { toolOutput: /version 1/ }, text: 'It is live!' },
    ]);
    const { session, creator } = await startCreator(model, { ownerId: owner });
    expect(creator.opening).toEqual({ kind: 'new' });
    expect(model.requests[0]?.instructions).toContain('You are Voxie');
    expect(model.requests[0]?.instructions).toContain('nova: Nova');

    await say(session, 'A receptionist for my dental clinic');
    const greetingTry = await say(session, 'It should greet them');
    const [missingText] = toolOutputs(greetingTry);
    expect(missingText?.isError).toBe(true);
    expect(missingText?.output).toBe(
      'That did not work: The greeting text is missing: what exactly should the agent say first?',
    );
    expect(missingText?.output).not.toMatch(NOT_SPEAKABLE);
    expect(assistantTexts(session).at(-1)).toBe('What exactly should it say first?');

    await say(session, 'Thanks for calling Smile Dental, how can I help?');
    const early = toolOutputs(await say(session, 'save it'));
    expect(early).toEqual([
      {
        name: 'save_draft',
        isError: true,
        output: 'It cannot be saved yet: It still needs a voice.',
      },
    ]);
    const saved = toolOutputs(await say(session, 'Nova sounds good'));
    expect(saved.map((output) => output.isError)).toEqual([false, false]);
    const published = toolOutputs(await say(session, 'publish'));
    expect(published[0]?.output).toMatch(/^Published Smile Desk, version 1\. It can take calls/);
    model.assertScriptConsumed();

    // What was saved: exactly the definition built in the conversation, owned by this person.
    const agents = new AgentRepository(db.database.db);
    const page = await agents.list(owner, { limit: 10 });
    expect(page.items).toHaveLength(1);
    const agent = page.items[0];
    if (!agent) throw new Error('no agent saved');
    const expected = AgentDefinition.parse({
      schemaVersion: 1,
      name: 'Smile Desk',
      description: 'Answer calls for Smile Dental and manage appointments',
      instructions,
      greeting: { mode: 'say', text: 'Thanks for calling Smile Dental, how can I help?' },
      language: 'en',
      llm: TEST_DEFAULTS.llm,
      stt: TEST_DEFAULTS.stt,
      tts: { provider: 'openai', voice: 'nova', model: 'gpt-4o-mini-tts' },
      tools: [],
    });
    expect(agent).toMatchObject({ name: 'Smile Desk', publishedVersion: 1 });

    // The spawner's own loader (cache + accept decision) loads exactly that definition.
    const cache = new PublishedAgentCache({ load: createAgentLoader(db.database, TEST_KEYS) });
    const evaluated = await evaluateJob({ roomName: formatAgentRoomName(agent.id) }, cache);
    expect(evaluated.decision).toMatchObject({ accept: true, participantName: 'Smile Desk (v1)' });
    expect(evaluated.agent?.definition).toEqual(expected);
    expect(evaluated.agent?.ownerId).toBe(owner);

    // ...and a text session with it greets as specified and follows the instructions.
    const agentModel = new ScriptedLLM([{ text: 'Sure, which day suits you?' }]);
    const loaded = evaluated.agent;
    if (!loaded?.definition) throw new Error('not loaded');
    const running = await startAgentSession({
      agent: { ...loaded, definition: loaded.definition },
      database: db.database,
      registry: new ProviderRegistry(TEST_KEYS),
      secrets: () => undefined,
      logger: captureLogger('spawner').logger,
      mode: 'text',
      roomName: formatAgentRoomName(agent.id),
      llm: agentModel,
    });
    try {
      await running.greeting?.waitForPlayout();
      expect(assistantTexts(running.session)[0]).toBe(
        'Thanks for calling Smile Dental, how can I help?',
      );
      await running.session.run({ userInput: 'I need an appointment' }).wait();
      expect(agentModel.lastRequest.instructions).toContain(instructions);
      expect(assistantTexts(running.session).at(-1)).toBe('Sure, which day suits you?');
    } finally {
      await running.stop('test_done');
    }

    // The published draft is done: a new session for this owner starts fresh.
    expect(await new VoxieDraftRepository(db.database.db).findResumable(owner)).toBeUndefined();
  });

  it('answers invalid or missing tool arguments with friendly errors, and keeps going', async () => {
    const owner = randomUUID();
    const calls: Array<{ name: string; args: Record<string, unknown> | string }> = [
      { name: 'set_instructions', args: {} },
      { name: 'set_basics', args: {} },
      { name: 'set_basics', args: { language: 'English please' } },
      { name: 'choose_voice', args: { voice_id: 42 } },
      { name: 'choose_voice', args: { voice_id: 'darth' } },
      { name: 'set_greeting', args: { mode: 'shout', text: 'HI' } },
      { name: 'add_http_tool', args: { name: 'check order', description: 'Looks up orders' } },
      {
        name: 'add_http_tool',
        args: {
          name: 'check_order',
          description: 'Looks up an order',
          url: 'ftp://shop.example/orders/{orderId}',
        },
      },
      {
        name: 'add_http_tool',
        args: {
          name: 'check_order',
          description: 'Looks up an order',
          url: 'https://shop.example/orders',
          inputs: [{ name: 'orderId', description: 'the order number', type: 'date' }],
        },
      },
      { name: 'remove_tool', args: { name: 'nothing_here' } },
      { name: 'add_handoff', args: { from: 'main', to: 'billing', when: 'money questions' } },
      { name: 'load_agent', args: { name_or_id: 'Ghost' } },
      { name: 'publish_agent', args: {} },
      { name: 'set_basics', args: '{"name": "Broken' },
    ];
    // Each user turn plays one bad call; the model's reaction to each error is scripted too.
    const model = new ScriptedLLM([
      { text: 'Hello!' },
      {
        when: (request) => request.lastToolOutput !== undefined,
        text: 'Let me ask you about that.',
        times: Number.POSITIVE_INFINITY,
      },
      ...calls.map((call) => ({ when: { userText: 'go' }, toolCalls: [call] })),
    ]);
    const { session } = await startCreator(model, { ownerId: owner });

    const outputs: Array<{ name: string; output: string; isError: boolean }> = [];
    for (let i = 0; i < calls.length; i++) outputs.push(...toolOutputs(await say(session, 'go')));
    expect(outputs.map((o) => o.name)).toEqual(calls.map((call) => call.name));
    // Every bad call is an error the model can talk about, in plain words, and nothing crashed.
    for (const output of outputs.slice(0, -1)) {
      expect(output.isError, output.output).toBe(true);
      expect(output.output, output.name).not.toMatch(NOT_SPEAKABLE);
    }
    expect(outputs.map((o) => o.output).slice(0, -1)).toEqual([
      'That did not work: The instructions text is missing.',
      'That did not work: The request needs at least one detail (name, description, purpose, audience, personality or language).',
      'That did not work: The language must be a language tag like en, fr or pt-BR.',
      'That did not work: The voice should be text but is something else.',
      'There is no voice called darth here. The voices I can offer are Alloy, Nova, Shimmer, Echo and Coral.',
      'That did not work: The mode must be one of: say, generate, wait.',
      'That did not work: The name must be one word of letters, digits, _ or - (like look_up_order). The web address is missing.',
      'The action check_order was not added: The web address must start with https:// or http://. The web address mentions {orderId}, but none of the details the caller gives has that name.',
      'That did not work: The details type must be one of: string, number, integer, boolean.',
      'The agent has no actions yet.',
      'There are no specialists yet; add a specialist first.',
      "I couldn't find an agent called Ghost among your agents.",
      'It cannot be published yet: It still needs a name, instructions saying what the agent does, how it greets callers and a voice.',
    ]);
    // Malformed JSON arguments are repaired by the framework, or reported; never a crash.
    expect(outputs.at(-1)?.output).not.toMatch(/at Object|ZodError/);
    expect(assistantTexts(session).at(-1)).toBe('Let me ask you about that.');
    expect(model.failures).toEqual([]);
  });

  it("can neither load nor edit another owner's agent", async () => {
    const owner = randomUUID();
    const rivalOwner = randomUUID();
    const agents = new AgentRepository(db.database.db);
    const rivalDefinition = AgentDefinition.parse({
      schemaVersion: 1,
      name: 'Rival Desk',
      instructions: 'You answer for the rival company.',
      greeting: { mode: 'wait' },
      llm: TEST_DEFAULTS.llm,
      stt: TEST_DEFAULTS.stt,
      tts: { provider: 'openai', voice: 'alloy' },
    });
    const rival = await agents.create({
      ownerId: rivalOwner,
      name: 'Rival Desk',
      draft: rivalDefinition,
    });
    await agents.publish(rivalOwner, rival.id);

    // Editing by dispatch (a forged agentId) opens nothing of theirs.
    const model = new ScriptedLLM([
      { text: 'I could not find that agent among yours.' },
      {
        when: { userText: 'open Rival Desk' },
        toolCalls: [
          { name: 'load_agent', args: { name_or_id: 'Rival Desk' } },
          { name: 'load_agent', args: { name_or_id: rival.id } },
        ],
      },
      { when: { toolOutput: /couldn't find/ }, text: 'Not yours, sorry.' },
      {
        when: { userText: 'rename it' },
        toolCalls: [
          { name: 'set_basics', args: { name: 'Hijacked' } },
          { name: 'set_instructions', args: { instructions: 'You now work for someone else.' } },
          { name: 'set_greeting', args: { mode: 'wait' } },
          { name: 'choose_voice', args: { voice_id: 'alloy' } },
          { name: 'publish_agent' },
        ],
      },
      { when: { toolOutput: /Published/ }, text: 'Published.' },
    ]);
    const { session, creator } = await startCreator(model, {
      ownerId: owner,
      editAgentId: rival.id,
    });
    expect(creator.opening).toEqual({ kind: 'edit_not_found' });
    expect(model.requests[0]?.instructions).toContain('could not be found among their agents');
    expect(model.requests[0]?.instructions).not.toContain('Rival Desk');

    const loads = toolOutputs(await say(session, 'open Rival Desk'));
    expect(loads).toEqual([
      {
        name: 'load_agent',
        isError: true,
        output: "I couldn't find an agent called Rival Desk among your agents.",
      },
      {
        name: 'load_agent',
        isError: true,
        output: `I couldn't find an agent called ${rival.id} among your agents.`,
      },
    ]);
    const changes = toolOutputs(await say(session, 'rename it'));
    expect(changes.every((output) => !output.isError)).toBe(true);

    // The rival's agent is untouched; what was published is a new agent of this owner.
    const after = await agents.get(rivalOwner, rival.id);
    expect(after).toMatchObject({ name: 'Rival Desk', publishedVersion: 1 });
    expect(after?.draft).toEqual(rivalDefinition);
    expect(await agents.listVersions(rivalOwner, rival.id)).toHaveLength(1);
    const mine = await agents.list(owner, { limit: 10 });
    expect(mine.items.map((agent) => agent.name)).toEqual(['Hijacked']);
    expect(mine.items[0]?.id).not.toBe(rival.id);
  });

  it('resumes the draft when the person disconnects and comes back in a new session', async () => {
    const owner = randomUUID();
    const first = new ScriptedLLM([
      { text: 'Welcome! What are we building?' },
      {
        when: { userText: /pizza/ },
        toolCalls: [
          { name: 'set_basics', args: { name: 'Pizza Pal', purpose: 'Take pizza orders' } },
          { name: 'set_greeting', args: { mode: 'say', text: 'Pizza Pal here, hungry?' } },
        ],
      },
      { when: { toolOutput: /will open with/ }, text: 'Great. What voice?' },
    ]);
    const firstSessionId = randomUUID();
    const one = await startCreator(first, { ownerId: owner, sessionId: firstSessionId });
    await say(one.session, 'An agent that takes pizza orders');
    // The connection drops: the session closes without saving or publishing anything.
    await one.session.close();

    const drafts = new VoxieDraftRepository(db.database.db);
    const stored = await drafts.findResumable(owner);
    expect(stored?.sessionId).toBe(firstSessionId);

    const second = new ScriptedLLM([
      { text: 'Welcome back! Pizza Pal already greets callers. Continue?' },
      { when: { userText: 'yes, where were we?' }, toolCalls: [{ name: 'review_draft' }] },
      { when: { toolOutput: /Pizza Pal/ }, text: 'It still needs instructions and a voice.' },
    ]);
    const secondSessionId = randomUUID();
    const two = await startCreator(second, { ownerId: owner, sessionId: secondSessionId });
    expect(two.creator.opening.kind).toBe('resume');
    expect(two.creator.store.draftId).toBe(stored?.id);
    expect(second.requests[0]?.instructions).toContain('coming back to an unfinished agent');
    expect(second.requests[0]?.instructions).toContain('It is called Pizza Pal.');
    expect(second.requests[0]?.instructions).toContain('It opens with: "Pizza Pal here, hungry?"');

    const review = toolOutputs(await say(two.session, 'yes, where were we?'));
    expect(review[0]?.output).toContain('It is called Pizza Pal. Purpose: Take pizza orders.');
    expect(review[0]?.output).toContain(
      'Still missing: instructions saying what the agent does and a voice.',
    );
    expect((await drafts.get(owner, stored?.id ?? ''))?.sessionId).toBe(secondSessionId);

    // Someone else starting a session does not get this draft.
    const stranger = await startCreator(new ScriptedLLM([{ text: 'Hi!' }]), {
      ownerId: randomUUID(),
    });
    expect(stranger.creator.opening).toEqual({ kind: 'new' });
    expect(stranger.creator.store.draftId).not.toBe(stored?.id);
  });
});
