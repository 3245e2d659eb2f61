export { loadSpawnerEnv, type SpawnerEnv } from './env.js';
export {
  AGENT_ATTRIBUTES,
  type AgentFacts,
  type AgentIdSource,
  decideJob,
  type JobDecision,
  type JobFacts,
  type JobTarget,
  resolveJobTarget,
  type TargetResolution,
} from './job-decision.js';
export { type RejectionReason, rejectionReason } from './metrics/rejection-reason.js';
export {
  createRequestHandler,
  type EvaluatedJob,
  evaluateJob,
  type JobRequestLike,
} from './request-handler.js';
export {
  type RunningAgentSession,
  type StartAgentSessionOptions,
  startAgentSession,
} from './session-runner.js';
export { SPAWNER_AGENT_NAME, type Spawner, startSpawner } from './spawner.js';
