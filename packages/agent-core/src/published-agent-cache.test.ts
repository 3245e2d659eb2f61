import { randomUUID } from 'node:crypto';
import { AgentRepository, type Database } from '@voxie/db';
import { openTestDatabase } from '@voxie/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_CHANGES_CHANNEL, notifyAgentChanged } from './agent-changes.js';
import type { AgentDefinitionInput } from './agent-definition.js';
import {
  createAgentLoader,
  type LoadedAgent,
  PublishedAgentCache,
} from './published-agent-cache.js';

const draft: AgentDefinitionInput = {
  schemaVersion: 1,
  name: 'Cached',
  instructions: 'Help.',
  greeting: { mode: 'wait' },
  llm: { provider: 'openai', model: 'gpt-4.1-mini' },
  stt: { provider: 'deepgram', model: 'nova-3' },
  tts: { provider: 'cartesia', voice: 'v' },
};
const allKeys = { openaiApiKey: 'k', deepgramApiKey: 'k', cartesiaApiKey: 'k' };

describe('agent loader and cache', () => {
  let db: { database: Database; url?: string; cleanup(): Promise<void> };
  let agents: AgentRepository;
  const owner = randomUUID();

  beforeAll(async () => {
    db = await openTestDatabase('agent_cache');
    agents = new AgentRepository(db.database.db);
  });
  afterAll(() => db?.cleanup());

  it('loads only published agents and names what keeps one from running', async () => {
    const agent = await agents.create({ ownerId: owner, name: 'Cached', draft });
    const load = createAgentLoader(db.database, allKeys);
    expect(await load(agent.id)).toBeUndefined();
    const v1 = await agents.publish(owner, agent.id);
    const loaded = await load(agent.id);
    expect(loaded).toMatchObject({
      agentId: agent.id,
      versionId: v1?.id,
      version: 1,
      problems: [],
    });
    expect(loaded?.definition?.name).toBe('Cached');

    const noKeys = await createAgentLoader(db.database, { openaiApiKey: 'k' })(agent.id);
    expect(noKeys?.problems).toEqual([
      expect.stringContaining('DEEPGRAM_API_KEY'),
      expect.stringContaining('CARTESIA_API_KEY'),
    ]);
    expect(
      (await createAgentLoader(db.database, { openaiApiKey: 'k' }, 'text')(agent.id))?.problems,
    ).toEqual([]);

    const broken = await agents.create({ ownerId: owner, name: 'Broken', draft: { name: 1 } });
    await agents.publish(owner, broken.id);
    expect((await load(broken.id))?.problems[0]).toMatch(/^stored definition is invalid: /);
  });

  it('serves hits from memory until the TTL or an invalidation', async () => {
    let now = 0;
    const calls: string[] = [];
    const real = createAgentLoader(db.database, allKeys);
    const cache = new PublishedAgentCache({
      ttlMs: 1_000,
      missTtlMs: 1_000,
      now: () => now,
      load: (id, version) => {
        calls.push(id);
        return real(id, version);
      },
    });
    const agent = await agents.create({ ownerId: owner, name: 'Later', draft });
    const [a, b] = await Promise.all([cache.get(agent.id), cache.get(agent.id)]);
    expect(a).toBeUndefined();
    expect(b).toBeUndefined();
    expect(calls).toHaveLength(1); // concurrent misses share one load

    await agents.publish(owner, agent.id);
    expect(await cache.get(agent.id)).toBeUndefined(); // the miss is cached...
    cache.invalidate(agent.id); // ...until the publish notification arrives
    expect((await cache.get(agent.id))?.version).toBe(1);
    await agents.publish(owner, agent.id);
    expect((await cache.get(agent.id))?.version).toBe(1);
    now += 1_001; // ...or the TTL runs out
    expect((await cache.get(agent.id))?.version).toBe(2);
    expect(cache.stats).toMatchObject({ hits: 3 });
  });

  it('trusts "not found" only briefly', async () => {
    let now = 0;
    let published = false;
    const cache = new PublishedAgentCache({
      ttlMs: 60_000,
      missTtlMs: 2_000,
      now: () => now,
      load: async (id): Promise<LoadedAgent | undefined> =>
        published
          ? {
              agentId: id,
              ownerId: 'o',
              name: 'n',
              versionId: 'v',
              version: 1,
              definition: undefined,
              problems: [],
            }
          : undefined,
    });
    expect(await cache.get('a')).toBeUndefined();
    published = true;
    now += 1_000;
    expect(await cache.get('a')).toBeUndefined();
    now += 1_001;
    expect((await cache.get('a'))?.version).toBe(1);
    published = false;
    now += 30_000;
    expect((await cache.get('a'))?.version).toBe(1); // found entries keep the full TTL
  });

  it('does not cache a failed load', async () => {
    let fail = true;
    const cache = new PublishedAgentCache({
      load: async (): Promise<LoadedAgent | undefined> => {
        if (fail) throw new Error('db down');
        return undefined;
      },
    });
    await expect(cache.get('x')).rejects.toThrow('db down');
    fail = false;
    await expect(cache.get('x')).resolves.toBeUndefined();
  });

  it('announces agent changes on the Postgres channel', async () => {
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    try {
      await listener.query(`listen ${AGENT_CHANGES_CHANNEL}`);
      const received = new Promise<string | undefined>((resolve) =>
        listener.once('notification', (message) => resolve(message.payload)),
      );
      const agentId = randomUUID();
      await notifyAgentChanged(db.database, agentId);
      expect(await received).toBe(agentId);
    } finally {
      await listener.end();
    }
  });
});
