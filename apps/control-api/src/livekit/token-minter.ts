import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/** Video grants as LiveKit reads them from the `video` claim (names as in the SDK's VideoGrant). */
export interface VideoGrant {
  room?: string;
  roomJoin?: boolean;
  roomCreate?: boolean;
  roomList?: boolean;
  roomAdmin?: boolean;
  roomRecord?: boolean;
  ingressAdmin?: boolean;
  canPublish?: boolean;
  canSubscribe?: boolean;
  canPublishData?: boolean;
  canPublishSources?: Array<'camera' | 'microphone' | 'screen_share' | 'screen_share_audio'>;
  canUpdateOwnMetadata?: boolean;
  hidden?: boolean;
  recorder?: boolean;
  agent?: boolean;
}

export interface MintOptions {
  identity: string;
  name?: string;
  /** Seconds until the token expires. */
  ttlSeconds: number;
  grants: VideoGrant;
  metadata?: string;
  attributes?: Record<string, string>;
}

export interface MintedToken {
  token: string;
  expiresAt: Date;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url');

/**
 * Mints LiveKit access tokens: HS256 JWTs with the same claims as the SDK's `AccessToken`
 * (`iss` = API key, `sub` = identity, `nbf`, `exp`, `video`, `name`, `metadata`, `attributes`),
 * so LiveKit and the SDK's `TokenVerifier` accept them. Synchronous, with the key imported once:
 * minting sits on the hot path of every session.
 */
export class TokenMinter {
  private readonly key: KeyObject;

  constructor(
    private readonly apiKey: string,
    apiSecret: string,
  ) {
    this.key = createSecretKey(Buffer.from(apiSecret, 'utf8'));
  }

  mint(options: MintOptions, now = Date.now()): MintedToken {
    const issuedAt = Math.floor(now / 1000);
    const expiresAt = issuedAt + options.ttlSeconds;
    const claims: Record<string, unknown> = { video: options.grants };
    if (options.name !== undefined) claims.name = options.name;
    if (options.metadata !== undefined) claims.metadata = options.metadata;
    if (options.attributes !== undefined) claims.attributes = options.attributes;
    claims.iss = this.apiKey;
    claims.sub = options.identity;
    claims.nbf = issuedAt;
    claims.exp = expiresAt;
    const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const signature = createHmac('sha256', this.key).update(input).digest('base64url');
    return { token: `${input}.${signature}`, expiresAt: new Date(expiresAt * 1000) };
  }
}
