import { initializeLogger } from '@livekit/agents';
import { ScriptedLLM } from '@voxie/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { AgentDefinition } from '../agent-definition.js';
import { ProviderRegistry } from '../providers/provider-registry.js';
import { planSimulationRuns, runSimulationBatch, type SimulationRunReport } from './batch.js';
import { SimulationConfig } from './schemas.js';

const definition = AgentDefinition.parse({
  schemaVersion: 1,
  name: 'Support',
  instructions: 'Help.',
  greeting: { mode: 'wait' },
  llm: { provider: 'openai', model: 'gpt-4.1-mini' },
  stt: { provider: 'deepgram', model: 'nova-3' },
  tts: { provider: 'cartesia', voice: 'v' },
});

describe('runSimulationBatch', () => {
  beforeAll(() => initializeLogger({ pretty: false, level: 'silent' }));

  it('plans runs × scenarios × personas in order', () => {
    const runs = planSimulationRuns(
      SimulationConfig.parse({
        scenarios: ['billing-dispute', 'cancellation'],
        personas: ['calm-customer', 'angry-customer'],
        runs: 2,
      }),
    );
    expect(runs.map((r) => `${r.runIndex}:${r.scenario.name}/${r.persona.name}`)).toEqual([
      '0:billing-dispute/calm-customer',
      '1:billing-dispute/calm-customer',
      '2:billing-dispute/angry-customer',
      '3:billing-dispute/angry-customer',
      '4:cancellation/calm-customer',
      '5:cancellation/calm-customer',
      '6:cancellation/angry-customer',
      '7:cancellation/angry-customer',
    ]);
  });

  it('keeps to the concurrency limit and reports a failing run as an error without stopping', async () => {
    const runs = planSimulationRuns(
      SimulationConfig.parse({
        scenarios: [{ name: 'quick', callerWants: 'x', opening: 'Hi.', successCriteria: [] }],
        personas: ['calm-customer'],
        runs: 7,
      }),
    );
    let inFlight = 0;
    let maxInFlight = 0;
    const finished: SimulationRunReport[] = [];
    const { reports, summary } = await runSimulationBatch({
      definition,
      runs,
      registry: new ProviderRegistry({}),
      concurrency: 3,
      models: (run) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        return {
          caller: new ScriptedLLM([{ text: 'Bye [END]' }]),
          // Run 4's agent has no script at all: its reply fails.
          agent: new ScriptedLLM(run.runIndex === 4 ? [] : [{ text: 'Hello!', delayMs: 20 }]),
        };
      },
      onRunFinished: (report) => {
        inFlight -= 1;
        finished.push(report);
      },
    });
    expect(maxInFlight).toBe(3);
    expect(finished).toHaveLength(7);
    expect(reports.map((r) => r.runIndex)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(reports.filter((r) => r.status !== 'passed').map((r) => r.runIndex)).toEqual([4]);
    expect(reports[4]).toMatchObject({ status: 'error', passed: false });
    expect(reports[4]?.error).toMatch(
      /^the agent's \w+ failed: ScriptedLLM request #0: the script has run out/,
    );
    expect(summary).toMatchObject({ runs: 7, passed: 6, errors: 1 });
  });
});
