export type { AgentWorkerConnection } from './livekit/agent-worker-connection.js';
export { AVAILABILITY_TIMEOUT_MS } from './livekit/agent-worker-hub.js';
export type {
  DispatchOutcome,
  DispatchOutcomeFilter,
  JobAvailabilityRecord,
  JobTerminationRecord,
} from './livekit/dispatch-outcome.js';
export {
  type LoopbackLiveKitOptions,
  LoopbackLiveKitServer,
  startLoopbackLiveKit,
} from './livekit/loopback-livekit-server.js';
export type { FakeParticipantInit, LoopbackRoomStore } from './livekit/loopback-room-store.js';
export type { TwirpFailure } from './livekit/twirp-fault-injector.js';
export type { RecordedTwirpRequest } from './livekit/twirp-router.js';
export type { TwirpErrorCode } from './livekit/twirp-server-error.js';
export type { WebhookEmitter } from './livekit/webhook-emitter.js';
export {
  buildWebhookEvent,
  createSignedWebhook,
  encodeWebhookBody,
  type SendWebhookOptions,
  type SignedWebhook,
  sendWebhook,
  signWebhookBody,
  WEBHOOK_CONTENT_TYPE,
  type WebhookDelivery,
  type WebhookEventInput,
} from './livekit/webhook-sender.js';
export {
  type OpenAIChatMessage,
  type OpenAIChatRequest,
  type OpenAICompatibleServer,
  type OpenAICompatibleServerOptions,
  type OpenAIReply,
  type OpenAIResponder,
  type OpenAITool,
  startOpenAICompatibleServer,
} from './llm/openai-compatible-server.js';
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
