import { AgentDefinition } from './agent-definition.js';

/**
 * The agent an embedded install starts with, so there is something to call right away.
 * Uses OpenAI models (needs OPENAI_API_KEY or an OpenAI-compatible OPENAI_BASE_URL to talk).
 */
export const DEMO_AGENT_DEFINITION: AgentDefinition = AgentDefinition.parse({
  schemaVersion: 1,
  name: 'Demo receptionist',
  description: 'Answers the phone for a small business and takes messages.',
  instructions: [
    'You are Aria, the friendly receptionist of Northwind Studio, a small design agency.',
    'Greet callers, find out what they need, answer simple questions about opening hours',
    '(Monday to Friday, 9:00 to 17:00) and take a message with their name and phone number',
    'when they want to reach someone. Keep answers short: this is a phone call.',
  ].join(' '),
  greeting: {
    mode: 'say',
    text: 'Hi, this is Aria at Northwind Studio. How can I help you today?',
  },
  language: 'en',
  llm: { provider: 'openai', model: 'gpt-4.1-mini', temperature: 0.6 },
  stt: { provider: 'openai', model: 'gpt-4o-mini-transcribe', language: 'en' },
  tts: { provider: 'openai', voice: 'alloy', model: 'gpt-4o-mini-tts' },
});
