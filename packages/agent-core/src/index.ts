export { AGENT_CHANGES_CHANNEL, notifyAgentChanged } from './agent-changes.js';
export {
  AgentDefinition,
  type AgentDefinitionInput,
  Greeting,
  LlmSettings,
  PostSession,
  SttSettings,
  TtsSettings,
  TurnHandling,
} from './agent-definition.js';
export {
  type BuildAgentOptions,
  type BuiltAgent,
  buildAgent,
  greet,
  type SessionMode,
} from './agent-factory.js';
export { createDatabaseSink } from './database-sink.js';
export { DEMO_AGENT_DEFINITION } from './demo-agent.js';
export { AgentCoreError, type AgentCoreErrorCode } from './errors.js';
export { type ProviderEnv, providerKeysFromEnv } from './providers/provider-keys-from-env.js';
export {
  checkProviders,
  describeProviderProblems,
  type ProviderKeys,
  type ProviderProblem,
  ProviderRegistry,
  type ProviderScope,
} from './providers/provider-registry.js';
export {
  type AgentLoader,
  createAgentLoader,
  type LoadedAgent,
  PublishedAgentCache,
  type PublishedAgentCacheOptions,
} from './published-agent-cache.js';
export {
  type LatencyStats,
  type RecordedItem,
  type RecorderSink,
  type SessionMetricsSummary,
  SessionRecorder,
  type SessionRecorderOptions,
  type SessionResult,
  type TurnLatency,
  toRecordedItem,
} from './session-recorder.js';
export * from './simulation/index.js';
export { createEndCallTool, END_CALL_REASON } from './tools/end-call-tool.js';
export {
  buildHttpRequest,
  createHttpTool,
  type HttpToolOptions,
  type SecretResolver,
  type ToolCallReport,
} from './tools/http-tool.js';
export {
  EndCallToolDefinition,
  HeaderValue,
  HttpToolDefinition,
  SecretName,
  ToolDefinition,
  ToolName,
  ToolParameters,
} from './tools/tool-definition.js';
export { buildTools, referencedSecrets, type ToolRuntime } from './tools/tool-registry.js';
