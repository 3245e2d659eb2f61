import { initializeLogger } from '@livekit/agents';
import { ScriptedLLM } from '@voxie/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { AgentDefinition } from '../agent-definition.js';
import { ProviderRegistry } from '../providers/provider-registry.js';
import { evaluateRun, parseJudgeAnswer, runCheck } from './evaluation.js';
import { DeterministicCheck, Persona, Scenario, type ScenarioInput } from './schemas.js';
import { runTextSimulation, type TextSimulationResult } from './text-simulation.js';

const definition = AgentDefinition.parse({
  schemaVersion: 1,
  name: 'Support',
  instructions: 'You are the support agent.',
  greeting: { mode: 'wait' },
  llm: { provider: 'openai', model: 'gpt-4.1-mini' },
  stt: { provider: 'deepgram', model: 'nova-3' },
  tts: { provider: 'cartesia', voice: 'v' },
  tools: [
    {
      type: 'http',
      name: 'issue_refund',
      description: 'Refund an invoice.',
      url: 'http://127.0.0.1:9/refunds',
      parameters: {
        type: 'object',
        properties: { invoiceId: { type: 'string' }, amount: { type: 'number' } },
      },
    },
  ],
});
const persona = Persona.parse({
  name: 'calm-customer',
  displayName: 'Maria',
  background: 'A customer.',
  goal: 'A refund.',
});

/** A real two-turn simulated conversation with a refund tool call (from a fixture). */
async function conversation(input: Partial<ScenarioInput> = {}): Promise<{
  scenario: Scenario;
  result: TextSimulationResult;
}> {
  const scenario = Scenario.parse({
    name: 'billing-dispute',
    callerWants: 'A refund.',
    opening: 'Invoice A1 was charged twice.',
    fixtures: [{ tool: 'issue_refund', output: 'refunded' }],
    ...input,
  });
  const result = await runTextSimulation({
    definition,
    scenario,
    persona,
    registry: new ProviderRegistry({}),
    callerLlm: new ScriptedLLM([{ text: 'Thank you, bye [END]' }]),
    agentLlm: new ScriptedLLM([
      { toolCalls: [{ name: 'issue_refund', args: { invoiceId: 'A1', amount: 42 } }] },
      { text: 'I refunded 42 euros, no need to worry.' },
    ]),
  });
  return { scenario, result };
}

describe('evaluation', () => {
  beforeAll(() => initializeLogger({ pretty: false, level: 'silent' }));

  it('asks the judge once per criterion and passes only when every required one passes', async () => {
    const { scenario, result } = await conversation({
      successCriteria: [
        { id: 'refund-offered', description: 'The agent refunds the duplicate charge.' },
        { id: 'empathy', description: 'The agent apologises.' },
        { id: 'upsell', description: 'The agent offers a premium plan.', required: false },
      ],
    });
    const judge = new ScriptedLLM([
      {
        when: { userText: /refund-offered/ },
        text: '{"verdict": "pass", "reason": "Refunded 42 euros."}',
      },
      {
        when: { userText: /empathy/ },
        text: 'Sure:\n```json\n{"verdict": "pass", "reason": "Said no need to worry."}\n```',
      },
      { when: { userText: /upsell/ }, text: '{"verdict": "fail", "reason": "No offer made."}' },
    ]);
    const evaluation = await evaluateRun(scenario, result, judge);
    expect(evaluation.verdicts.map((v) => [v.id, v.passed, v.reason])).toEqual([
      ['refund-offered', true, 'Refunded 42 euros.'],
      ['empathy', true, 'Said no need to worry.'],
      ['upsell', false, 'No offer made.'],
    ]);
    // The optional criterion failing does not fail the run.
    expect(evaluation.passed).toBe(true);
    // The judge read the whole transcript, tool call included.
    const asked = judge.requests[0]?.lastUserText ?? '';
    expect(asked).toContain('CALLER: Invoice A1 was charged twice.');
    expect(asked).toContain('[agent called tool issue_refund with {"invoiceId":"A1","amount":42}]');
    expect(asked).toContain('AGENT: I refunded 42 euros, no need to worry.');
    judge.assertScriptConsumed();
  });

  it('fails the run when a required criterion fails or the judge answers nonsense', async () => {
    const { scenario, result } = await conversation({
      successCriteria: [
        { id: 'refund-offered', description: 'The agent refunds the charge.' },
        { id: 'verifies-identity', description: 'The agent verifies the caller.' },
      ],
    });
    const judge = new ScriptedLLM([
      { when: { userText: /refund-offered/ }, text: 'I think it went fine.' },
      {
        when: { userText: /verifies-identity/ },
        text: '{"verdict": "fail", "reason": "Never asked who is calling."}',
      },
    ]);
    const evaluation = await evaluateRun(scenario, result, judge);
    expect(evaluation.passed).toBe(false);
    expect(evaluation.verdicts.map((v) => [v.id, v.passed, v.reason])).toEqual([
      ['refund-offered', false, 'the judge gave no readable verdict'],
      ['verifies-identity', false, 'Never asked who is calling.'],
    ]);
  });

  it('runs deterministic checks: tool with arguments, handoff, phrases, turns', async () => {
    const { result } = await conversation();
    const check = (input: unknown) => runCheck(DeterministicCheck.parse(input), result);
    expect(
      check({ type: 'tool_called', tool: 'issue_refund', arguments: { amount: 42 } }),
    ).toMatchObject({
      id: 'tool_called:issue_refund',
      passed: true,
    });
    expect(
      check({ type: 'tool_called', tool: 'issue_refund', arguments: { amount: 10 } }),
    ).toMatchObject({
      passed: false,
      reason: 'issue_refund was called, but never with {"amount":10}',
    });
    expect(check({ type: 'tool_called', tool: 'cancel_plan' }).passed).toBe(false);
    expect(check({ type: 'tool_not_called', tool: 'cancel_plan' }).passed).toBe(true);
    expect(check({ type: 'tool_not_called', tool: 'issue_refund' }).passed).toBe(false);
    expect(check({ type: 'handoff', to: 'billing' })).toMatchObject({
      passed: false,
      reason: 'agents: default_agent',
    });
    expect(check({ type: 'phrase_never_said', phrase: 'NO NEED TO WORRY' })).toMatchObject({
      passed: false,
      reason: 'said in turn 1: "I refunded 42 euros, no need to worry."',
    });
    expect(check({ type: 'phrase_never_said', phrase: 'premium' }).passed).toBe(true);
    expect(check({ type: 'phrase_never_said', phrase: 'bye', side: 'caller' }).passed).toBe(false);
    expect(check({ type: 'max_turns', turns: 1 }).passed).toBe(true);
    expect(check({ type: 'max_turns', turns: 1, id: 'quick' }).id).toBe('quick');
  });

  it('fails a required check and tolerates an optional one', async () => {
    const { scenario, result } = await conversation({
      checks: [
        { type: 'tool_called', tool: 'issue_refund' },
        { type: 'phrase_never_said', phrase: 'worry', required: false },
      ],
    });
    const passing = await evaluateRun(scenario, result, undefined);
    expect(passing.passed).toBe(true);
    expect(passing.verdicts.map((v) => v.passed)).toEqual([true, false]);

    const strict = Scenario.parse({ ...scenario, checks: [{ type: 'handoff', to: 'billing' }] });
    expect((await evaluateRun(strict, result, undefined)).passed).toBe(false);
  });

  it('reads judge answers only when they are the asked JSON', () => {
    expect(parseJudgeAnswer('{"verdict":"pass","reason":"ok"}')).toEqual({
      verdict: 'pass',
      reason: 'ok',
    });
    expect(parseJudgeAnswer('{"verdict":"maybe","reason":"?"}')).toBeUndefined();
    expect(parseJudgeAnswer('no json')).toBeUndefined();
  });
});
