import { AccessToken } from 'livekit-server-sdk';
import type { AgentWorkerConnection } from './agent-worker-connection.js';
import type { JobAvailabilityRecord } from './dispatch-outcome.js';

/** Participant attribute the server stamps with the worker's agent name. */
export const AGENT_NAME_ATTRIBUTE = 'lk.agent_name';

/**
 * The room token an assignment carries, as the server's `agent.BuildAgentToken` makes it: join
 * grant for the job's room with the worker's registered permissions, `agent: true`, kind `agent`,
 * the accepted identity, name, metadata and attributes (plus `lk.agent_name`), valid for 1 hour.
 */
export function buildAgentJobToken(
  worker: AgentWorkerConnection,
  secret: string,
  answer: JobAvailabilityRecord,
): Promise<string> {
  const permissions = worker.permissions;
  const token = new AccessToken(worker.apiKey, secret, {
    identity: answer.participantIdentity,
    name: answer.participantName,
    metadata: answer.participantMetadata,
    attributes: { ...answer.participantAttributes, [AGENT_NAME_ATTRIBUTE]: worker.agentName },
    ttl: '1h',
  });
  token.kind = 'agent';
  token.addGrant({
    roomJoin: true,
    agent: true,
    room: answer.room,
    canSubscribe: permissions?.canSubscribe ?? true,
    canPublish: permissions?.canPublish ?? true,
    canPublishData: permissions?.canPublishData ?? true,
    hidden: permissions?.hidden ?? false,
    canUpdateOwnMetadata: permissions?.canUpdateMetadata ?? true,
    canSubscribeMetrics: permissions?.canSubscribeMetrics ?? false,
  });
  return token.toJwt();
}
