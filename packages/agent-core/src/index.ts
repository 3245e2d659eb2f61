export {
  AgentDefinition,
  type AgentDefinitionInput,
  Greeting,
  LlmSettings,
  SttSettings,
  TtsSettings,
  TurnHandling,
} from './agent-definition.js';
export { DEMO_AGENT_DEFINITION } from './demo-agent.js';
