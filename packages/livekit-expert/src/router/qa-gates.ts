import type { Domain } from '../knowledge/schema.js';

export type QaGateName = 'requirements-validation' | 'architectural-alignment' | 'security-review';

export interface QaGate {
  gate: QaGateName;
  description: string;
  checklist: string[];
}

const BASE: Record<QaGateName, { description: string; checklist: string[] }> = {
  'requirements-validation': {
    description: 'Validates that user requirements are properly understood before delegation',
    checklist: [
      "User's LiveKit implementation goal is clearly understood",
      'Specific LiveKit functional domain is identified',
      "User's technical constraints are identified (languages, SDKs and versions, frameworks, security requirements)",
      'Implementation environment is determined (LiveKit Cloud or self-hosted, deployment model)',
    ],
  },
  'architectural-alignment': {
    description: 'Ensures architectural decisions align with LiveKit best practices',
    checklist: [
      'LiveKit component interaction model is correctly applied',
      'Solution follows LiveKit architectural patterns and idioms',
      'Authentication and security patterns align with LiveKit recommendations',
      'Proposed solution adheres to the API design of the selected LiveKit components',
    ],
  },
  'security-review': {
    description: 'Reviews security considerations specific to LiveKit implementations',
    checklist: [
      'API key and secret management approach is secure (server-side only, never in clients or logs)',
      'JWT claims are appropriate and not overly permissive',
      'Room security settings are properly configured',
    ],
  },
};

/** Items each domain adds to the three gates. */
const DOMAIN_ITEMS: Record<Domain, Partial<Record<QaGateName, string[]>>> = {
  auth: {
    'requirements-validation': [
      'Who mints tokens, for which identities and rooms, and how long they must live',
    ],
    'architectural-alignment': [
      'Tokens are minted on the backend per join; admin work uses server SDK clients with per-call grants',
    ],
    'security-review': [
      'Token ttl is short and grants are minimal (roomJoin for one room; no roomAdmin/roomCreate in client tokens)',
      'Key rotation path exists (add new key, move clients, remove old key)',
    ],
  },
  room: {
    'requirements-validation': [
      'Room naming, lifetime (empty/departure timeouts) and participant limits are specified',
    ],
    'architectural-alignment': [
      'One room per session with parseable names; room APIs treat not_found as a normal state',
    ],
    'security-review': [
      'Only the backend creates/deletes rooms and edits metadata; metadata carries ids, not personal data',
    ],
  },
  track: {
    'requirements-validation': [
      'Media types, sources (mic/camera/screen) and quality targets are known',
    ],
    'architectural-alignment': [
      'Publish/subscribe permissions and subscription strategy (auto vs selective) fit the room size',
    ],
    'security-review': [
      'canPublishSources limits what each participant may publish; subscription permissions protect private tracks',
    ],
  },
  recording: {
    'requirements-validation': [
      'What is recorded (audio only, composite, per track), where it is stored and for how long',
    ],
    'architectural-alignment': [
      'Recording starts from the backend and its end state comes from egress_ended webhooks',
    ],
    'security-review': [
      'Data privacy considerations are addressed for recording: consent, private bucket, encryption, retention, signed playback URLs',
    ],
  },
  egress: {
    'requirements-validation': [
      'Egress type (room composite, participant, track, web) and outputs (file, HLS, RTMP) are chosen',
    ],
    'architectural-alignment': [
      'Egress capacity is planned (CPU per request type); self-hosted egress shares Redis with the server',
    ],
    'security-review': [
      'Data privacy considerations are addressed for egress; stream keys and storage credentials stay on the backend',
    ],
  },
  webhook: {
    'requirements-validation': ['Which events are needed and what the backend does with each'],
    'architectural-alignment': [
      'Handler verifies the raw body, stores by event id (idempotent) and answers quickly; reconciliation covers lost events',
    ],
    'security-review': [
      'Webhook endpoint security is properly addressed: signature verified with WebhookReceiver against the raw body; unsigned requests rejected',
    ],
  },
  agents: {
    'requirements-validation': [
      'Agent behaviour, models (STT/LLM/TTS or realtime) and latency targets are specified',
    ],
    'architectural-alignment': [
      'Explicit dispatch with agentName; requestFunc answers every job; heavy resources prewarmed',
      'Workers scale on CPU and drain gracefully on deploy',
    ],
    'security-review': [
      'Provider API keys live in the worker environment only; transcripts/PII are not logged unredacted',
    ],
  },
  sip: {
    'requirements-validation': [
      'Inbound and/or outbound calling, carrier, numbers and call flows (transfer, DTMF) are known',
    ],
    'architectural-alignment': [
      'Trunks and dispatch rules are configuration-as-code; agent dispatch via dispatch rule roomConfig',
    ],
    'security-review': [
      'Trunks restrict allowed addresses/numbers and use authentication; caller numbers are treated as personal data',
    ],
  },
  deployment: {
    'requirements-validation': [
      'Scale (concurrent rooms/participants/agents), regions and availability targets are known',
    ],
    'architectural-alignment': [
      'UDP/TCP/TURN ports, TLS termination and Redis for multi-node are planned; monitoring is in place',
    ],
    'security-review': [
      'Secrets come from a secret store; config files hold no inline keys; TLS everywhere clients connect',
    ],
  },
};

/** The three QA gates for a route: the seed's checklists plus the routed domains' items. */
export function qaGatesFor(domains: readonly Domain[]): QaGate[] {
  return (Object.keys(BASE) as QaGateName[]).map((gate) => {
    const checklist = [...BASE[gate].checklist];
    for (const domain of domains)
      for (const item of DOMAIN_ITEMS[domain][gate] ?? []) checklist.push(item);
    return { gate, description: BASE[gate].description, checklist };
  });
}
