import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { AgentDefinitionInput } from '@voxie/agent-core';
import { AgentRepository, type Database, SimulationRepository } from '@voxie/db';
import { openTestDatabase } from '@voxie/db/testing';
import { ScriptedLLM } from '@voxie/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressBar, runSimulateCli } from './simulate-cli.js';

const owner = randomUUID();

function capture() {
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { output, text: () => text };
}

describe('pnpm simulate', () => {
  let db: { database: Database; url: string; cleanup(): Promise<void> };
  let agentId: string;

  beforeAll(async () => {
    db = await openTestDatabase('spawner_simulate');
    const draft: AgentDefinitionInput = {
      schemaVersion: 1,
      name: 'Sim desk',
      instructions: 'You are a billing desk.',
      greeting: { mode: 'wait' },
      llm: { provider: 'openai', model: 'gpt-4.1-mini' },
      stt: { provider: 'deepgram', model: 'nova-3' },
      tts: { provider: 'cartesia', voice: 'v' },
    };
    const agents = new AgentRepository(db.database.db);
    const agent = await agents.create({ ownerId: owner, name: 'Sim desk', draft });
    await agents.publish(owner, agent.id);
    agentId = agent.id;
  });
  afterAll(() => db?.cleanup());

  it('runs scenarios × personas × runs with progress, prints the summary table and stores the runs', async () => {
    const out = capture();
    const code = await runSimulateCli({
      argv: [
        '--agent',
        agentId,
        '--scenario',
        'billing-dispute',
        '--persona',
        'calm-customer',
        '--persona',
        'angry-customer',
        '--runs',
        '2',
        '--concurrency',
        '3',
      ],
      env: { NODE_ENV: 'test', DATABASE_URL: db.url, OPENAI_API_KEY: 'sk-test' },
      io: { output: out.output },
      models: (run) => ({
        caller: new ScriptedLLM([{ text: 'Thanks, bye [END]' }]),
        agent: new ScriptedLLM([{ text: 'I have refunded the duplicate charge.' }]),
        // The second persona's runs fail the "identifies-account" criterion.
        judge: new ScriptedLLM([
          {
            when: { userText: /identifies-account/ },
            text:
              run.persona.name === 'angry-customer'
                ? '{"verdict":"fail","reason":"no account asked"}'
                : '{"verdict":"pass","reason":"asked"}',
          },
          {
            when: { userText: /resolves-or-escalates/ },
            text: '{"verdict":"pass","reason":"refunded"}',
          },
        ]),
      }),
    });
    const text = out.text();
    expect(code).toBe(1);
    expect(text).toContain(progressBar(4, 4));
    expect(
      text.match(/run \d billing-dispute\/(calm|angry)-customer: (passed|failed)/g),
    ).toHaveLength(4);
    expect(text).toMatch(/identifies-account\s+judge\s+2\/4\s+50%/);
    expect(text).toMatch(/resolves-or-escalates\s+judge\s+4\/4\s+100%/);
    expect(text).toMatch(/\(run passes\)\s+all\s+2\/4\s+50%/);
    expect(text).toContain('runs 4: 2 passed, 2 failed, 0 errors; avg turns 1.0');

    const id = text.match(/simulation ([0-9a-f-]{36})/)?.[1] ?? '';
    const runs = await new SimulationRepository(db.database.db).listRuns(owner, id);
    expect(runs.map((r) => [r.persona, r.status])).toEqual([
      ['calm-customer', 'passed'],
      ['calm-customer', 'passed'],
      ['angry-customer', 'failed'],
      ['angry-customer', 'failed'],
    ]);
  });

  it('explains usage and unknown names', async () => {
    const help = capture();
    expect(await runSimulateCli({ argv: ['--list'], env: {}, io: { output: help.output } })).toBe(
      0,
    );
    expect(help.text()).toContain('scenarios: billing-dispute, technical-fault');
    const bad = capture();
    const code = await runSimulateCli({
      argv: ['--agent', agentId, '--scenario', 'nope'],
      env: { NODE_ENV: 'test', DATABASE_URL: db.url },
      io: { output: bad.output },
    });
    expect(code).toBe(1);
    expect(bad.text()).toContain('no scenario named "nope"');
  });
});
