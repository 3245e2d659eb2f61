import { describe, expect, it } from 'vitest';
import { PERSONA_LIBRARY, SCENARIO_LIBRARY } from './library.js';
import { callerInstructions } from './text-simulation.js';

describe('starter library', () => {
  it('covers the customer-support basics', () => {
    expect([...SCENARIO_LIBRARY.keys()]).toEqual([
      'billing-dispute',
      'technical-fault',
      'cancellation',
      'angry-caller',
      'changes-mind',
      'off-topic',
    ]);
    expect(PERSONA_LIBRARY.size).toBeGreaterThanOrEqual(4);
    for (const scenario of SCENARIO_LIBRARY.values()) {
      expect(scenario.successCriteria.length).toBeGreaterThan(0);
      expect(scenario.endConditions).toEqual([{ type: 'caller_says', text: '[END]' }]);
    }
  });

  it('tells the caller its hidden facts, goal and how to end the call', () => {
    const persona = PERSONA_LIBRARY.get('calm-customer');
    const scenario = SCENARIO_LIBRARY.get('cancellation');
    if (!persona || !scenario) throw new Error('library entry missing');
    const text = callerInstructions(persona, scenario);
    expect(text).toContain('Facts you reveal only when the agent asks about their topic:');
    expect(text).toContain('- email: Her email is maria.lopez@example.com.');
    expect(text).toContain('In this call you want: The subscription cancelled');
    expect(text).toContain('end that message with [END]');
  });
});
