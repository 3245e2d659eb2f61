import type { Logger } from '@voxie/config';
import {
  AgentRepository,
  ApiKeyRepository,
  type Database,
  SessionRepository,
  TranscriptRepository,
  WebhookEventRepository,
} from '@voxie/db';
import { WebhookReceiver } from 'livekit-server-sdk';
import { ApiKeyAuthenticator } from './auth/api-key-authenticator.js';
import { Authenticator } from './auth/authenticator.js';
import { SupabaseTokenVerifier } from './auth/supabase-token-verifier.js';
import type { ControlApiEnv } from './env.js';
import { LivekitGateway } from './livekit/livekit-gateway.js';
import { TokenMinter } from './livekit/token-minter.js';
import { ApiMetrics } from './plugins/metrics.js';
import { DEMO_OWNER_ID } from './startup/seed-demo-agent.js';

/** Everything route handlers use, built once per app instance. */
export interface AppServices {
  env: ControlApiEnv;
  logger: Logger;
  database: Database;
  agents: AgentRepository;
  sessions: SessionRepository;
  transcripts: TranscriptRepository;
  webhookEvents: WebhookEventRepository;
  apiKeys: ApiKeyRepository;
  apiKeyAuth: ApiKeyAuthenticator;
  authenticator: Authenticator;
  livekit: LivekitGateway;
  minter: TokenMinter;
  webhookReceiver: WebhookReceiver;
  metrics: ApiMetrics;
}

export function createServices(
  env: ControlApiEnv,
  database: Database,
  logger: Logger,
): AppServices {
  const apiKeys = new ApiKeyRepository(database.db);
  const apiKeyAuth = new ApiKeyAuthenticator(apiKeys);
  return {
    env,
    logger,
    database,
    agents: new AgentRepository(database.db),
    sessions: new SessionRepository(database.db),
    transcripts: new TranscriptRepository(database.db),
    webhookEvents: new WebhookEventRepository(database.db),
    apiKeys,
    apiKeyAuth,
    authenticator: new Authenticator({
      apiKeys: apiKeyAuth,
      supabase: new SupabaseTokenVerifier({
        url: env.SUPABASE_URL,
        jwtSecret: env.SUPABASE_JWT_SECRET,
      }),
      bootstrapAdmin: env.VOXIE_ADMIN_API_KEY
        ? { key: env.VOXIE_ADMIN_API_KEY, ownerId: DEMO_OWNER_ID }
        : undefined,
    }),
    livekit: new LivekitGateway(
      env.LIVEKIT_URL,
      env.LIVEKIT_API_KEY,
      env.LIVEKIT_API_SECRET,
      env.LIVEKIT_REQUEST_TIMEOUT_SECONDS,
    ),
    minter: new TokenMinter(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET),
    webhookReceiver: new WebhookReceiver(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET),
    metrics: new ApiMetrics(),
  };
}
