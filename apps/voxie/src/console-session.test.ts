import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { VoxieDraftRepository } from '@voxie/db';
import { type OpenAICompatibleServer, startOpenAICompatibleServer } from '@voxie/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_USAGE, runConsole } from './console-session.js';
import { openTestDatabase, type TestDatabase } from './test-helpers.js';

describe('runConsole', () => {
  let db: TestDatabase;
  let server: OpenAICompatibleServer;

  beforeAll(async () => {
    db = await openTestDatabase('voxie_console');
    server = await startOpenAICompatibleServer({
      replies: [
        { text: 'Hi, I am Voxie.' },
        { toolCalls: [{ name: 'set_basics', arguments: { name: 'Ada' } }] },
        { text: 'Ada it is.' },
        { toolCalls: [{ name: 'set_greeting', arguments: { mode: 'say' } }] },
        { text: 'What should Ada say first?' },
      ],
    });
  });
  afterAll(async () => {
    await server?.close();
    await db?.cleanup();
  });

  function io(lines: string[]) {
    const input = new PassThrough();
    input.end(lines.map((line) => `${line}\n`).join(''));
    let text = '';
    const output = new PassThrough();
    output.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    return { io: { input, output }, text: () => text };
  }

  it('talks to Voxie through an OpenAI-compatible server and keeps the draft', async () => {
    const owner = randomUUID();
    const terminal = io(['Call it Ada', 'It should greet people', '/quit']);
    const code = await runConsole({
      argv: ['--owner', owner, '--base-url', server.baseURL, '--api-key', 'x'],
      env: { NODE_ENV: 'test', DATABASE_URL: db.url, LOG_LEVEL: 'silent' },
      io: terminal.io,
    });
    expect(code).toBe(0);
    const text = terminal.text();
    expect(text).toContain('voxie> Hi, I am Voxie.');
    expect(text).toContain('(set_basics done)');
    expect(text).toContain('voxie> Ada it is.');
    expect(text).toContain(
      '(set_greeting: That did not work: The greeting text is missing: what exactly should the agent say first?)',
    );
    expect(text).toContain('voxie> What should Ada say first?');
    const draft = await new VoxieDraftRepository(db.database.db).findResumable(owner);
    expect(draft?.definition).toMatchObject({ definition: { name: 'Ada' } });
    expect(text).toContain(`(draft ${draft?.id} is saved`);
  });

  it('explains its usage and refuses bad arguments or a missing key', async () => {
    const help = io([]);
    expect(await runConsole({ argv: ['--help'], env: {}, io: help.io })).toBe(0);
    expect(help.text()).toContain(CONSOLE_USAGE);
    const bad = io([]);
    expect(await runConsole({ argv: ['--owner', 'me'], env: {}, io: bad.io })).toBe(1);
    expect(bad.text()).toContain('error: --owner must be a UUID');
    const noKey = io([]);
    expect(
      await runConsole({
        argv: ['--owner', randomUUID()],
        env: { NODE_ENV: 'test', DATABASE_URL: db.url },
        io: noKey.io,
      }),
    ).toBe(1);
    expect(noKey.text()).toContain('Voxie cannot talk here: llm.provider');
  });
});
