export {
  type RecordedItem,
  type RecordedLLMRequest,
  type RecordedTool,
  ScriptExhaustedError,
  ScriptedLLM,
  type ScriptedLLMOptions,
  type ScriptedMatch,
  type ScriptedMatcher,
  type ScriptedReply,
  type ScriptedToolCall,
  type ScriptedTurn,
} from './llm/scripted-llm.js';
export {
  createTestPostgresDatabase,
  DEFAULT_ADMIN_URL,
  type TestPostgresDatabase,
} from './postgres.js';
