import { describe, expect, it } from 'vitest';
import { AgentDefinition } from './agent-definition.js';
import { DEMO_AGENT_DEFINITION } from './demo-agent.js';

const minimal = {
  schemaVersion: 1,
  name: 'Support',
  instructions: 'Help customers.',
  greeting: { mode: 'wait' },
  llm: { provider: 'openai', model: 'gpt-4.1-mini' },
  stt: { provider: 'deepgram', model: 'nova-3' },
  tts: { provider: 'cartesia', voice: 'voice-id' },
};

describe('AgentDefinition', () => {
  it('fills defaults for a minimal definition', () => {
    const definition = AgentDefinition.parse(minimal);
    expect(definition.language).toBe('en');
    expect(definition.turnHandling).toEqual({
      vad: true,
      turnDetector: true,
      minEndpointingDelayMs: 500,
      maxEndpointingDelayMs: 6000,
      allowInterruptions: true,
    });
  });

  it('names the path of every problem', () => {
    const result = AgentDefinition.safeParse({
      ...minimal,
      name: ' ',
      greeting: { mode: 'say' },
      llm: { provider: 'mystery', model: 'x', baseURL: 'ftp://x' },
      language: 'English',
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['name', 'greeting.text', 'llm.provider', 'llm.baseURL', 'language']),
    );
  });

  it('rejects inconsistent endpointing delays', () => {
    const result = AgentDefinition.safeParse({
      ...minimal,
      turnHandling: { minEndpointingDelayMs: 3000, maxEndpointingDelayMs: 1000 },
    });
    expect(result.error?.issues[0]?.path).toEqual(['turnHandling', 'minEndpointingDelayMs']);
  });

  it('ships a valid demo agent', () => {
    expect(AgentDefinition.parse(DEMO_AGENT_DEFINITION)).toEqual(DEMO_AGENT_DEFINITION);
  });
});
