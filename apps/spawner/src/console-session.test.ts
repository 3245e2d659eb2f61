import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { AgentDefinitionInput } from '@voxie/agent-core';
import { AgentRepository, type Database, SessionRepository, TranscriptRepository } from '@voxie/db';
import { openTestDatabase } from '@voxie/db/testing';
import { type OpenAICompatibleServer, startOpenAICompatibleServer } from '@voxie/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole } from './console-session.js';

const owner = randomUUID();

function io(lines: string[]) {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  input.end(lines.map((line) => `${line}\n`).join(''));
  return { io: { input, output }, text: () => text };
}

describe('pnpm console', () => {
  let db: { database: Database; url: string; cleanup(): Promise<void> };
  let llm: OpenAICompatibleServer;
  let agentId: string;
  const name = `Console desk ${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    db = await openTestDatabase('spawner_console');
    llm = await startOpenAICompatibleServer({ apiKey: 'loop-key' });
    const draft: AgentDefinitionInput = {
      schemaVersion: 1,
      name,
      instructions: 'You are a helpful desk.',
      greeting: { mode: 'say', text: 'Hi, console desk here.' },
      llm: { provider: 'openai', model: 'gpt-4.1-mini', temperature: 0.5 },
      stt: { provider: 'deepgram', model: 'nova-3' },
      tts: { provider: 'cartesia', voice: 'v' },
    };
    const agents = new AgentRepository(db.database.db);
    const agent = await agents.create({ ownerId: owner, name, draft });
    await agents.publish(owner, agent.id);
    agentId = agent.id;
  });
  afterAll(async () => {
    await llm?.close();
    await db?.cleanup();
  });

  it('chats with a stored agent by name through an OpenAI-compatible server and records it', async () => {
    const session = io(['hello there', 'and again', '/quit']);
    const code = await runConsole({
      argv: [name, '--base-url', llm.baseURL, '--model', 'loopback-model'],
      env: { NODE_ENV: 'test', DATABASE_URL: db.url, OPENAI_API_KEY: 'loop-key' },
      io: session.io,
    });
    expect(code).toBe(0);
    const lines = session.text().split('\n');
    expect(lines).toContain(`${name}> Hi, console desk here.`);
    expect(lines).toContain(`${name}> You said: hello there`);
    expect(lines).toContain(`${name}> You said: and again`);
    expect(session.text()).toMatch(/\[conversation ended: console_closed; session [0-9a-f-]{36}\]/);
    expect(llm.requests.map((r) => r.body.model)).toEqual(['loopback-model', 'loopback-model']);
    expect(llm.requests[0]?.body.temperature).toBe(0.5);

    const sessionId = /session ([0-9a-f-]{36})/.exec(session.text())?.[1] ?? '';
    const row = await new SessionRepository(db.database.db).get(owner, sessionId);
    expect(row).toMatchObject({ status: 'ended', endReason: 'console_closed', agentId });
    const transcript = await new TranscriptRepository(db.database.db).list(owner, sessionId);
    expect(
      transcript
        .filter((item) => item.type === 'message')
        .map((item) => `${item.role}: ${(item.content as { text: string }).text}`),
    ).toEqual([
      'assistant: Hi, console desk here.',
      'user: hello there',
      'assistant: You said: hello there',
      'user: and again',
      'assistant: You said: and again',
    ]);
  });

  it('says which key is missing instead of starting', async () => {
    const session = io([]);
    const code = await runConsole({
      argv: [agentId],
      env: { NODE_ENV: 'test', DATABASE_URL: db.url },
      io: session.io,
    });
    expect(code).toBe(1);
    expect(session.text()).toContain('needs OPENAI_API_KEY');
    expect(session.text()).toContain('--base-url');
  });

  it('reports unknown agents and prints usage without arguments', async () => {
    const unknown = io([]);
    expect(
      await runConsole({
        argv: ['Nobody here'],
        env: { NODE_ENV: 'test', DATABASE_URL: db.url },
        io: unknown.io,
      }),
    ).toBe(1);
    expect(unknown.text()).toContain('no active agent named "Nobody here"');
    const usage = io([]);
    expect(await runConsole({ argv: [], env: {}, io: usage.io })).toBe(2);
    expect(usage.text()).toContain('usage: pnpm console');
  });
});
