import { timingSafeEqual } from 'node:crypto';
import { ApiError } from '../errors.js';
import type { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { API_KEY_PATTERN } from './api-key-secrets.js';
import type { Caller } from './caller.js';
import { ALL_SCOPES, END_USER_SCOPES } from './scopes.js';
import type { SupabaseTokenVerifier } from './supabase-token-verifier.js';

const JWT_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface AuthenticatorOptions {
  apiKeys: ApiKeyAuthenticator;
  supabase: SupabaseTokenVerifier;
  /** Bootstrap admin key from the environment, and the owner it acts for. */
  bootstrapAdmin?: { key: string; ownerId: string };
}

/**
 * Turns an `Authorization` header into a {@link Caller}: `Bearer vx_...` (API key) or
 * `Bearer <Supabase access token>`. Every failure is a 401 that says what was wrong.
 */
export class Authenticator {
  private readonly bootstrapKey: Buffer | undefined;
  private readonly bootstrapCaller: Caller | undefined;

  constructor(private readonly options: AuthenticatorOptions) {
    const admin = options.bootstrapAdmin;
    this.bootstrapKey = admin ? Buffer.from(admin.key) : undefined;
    this.bootstrapCaller = admin
      ? {
          kind: 'bootstrap_admin',
          ownerId: admin.ownerId,
          scopes: new Set(ALL_SCOPES),
          identity: 'admin',
        }
      : undefined;
  }

  /** Synchronous for cached API keys (the hot path); a promise otherwise. Throws/rejects with 401s. */
  authenticate(header: string | undefined): Caller | Promise<Caller> {
    if (!header)
      throw unauthenticated(
        'missing Authorization header; send "Bearer <API key or access token>"',
      );
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const credential = match?.[1];
    if (!credential)
      throw unauthenticated(
        'malformed Authorization header; expected "Bearer <API key or access token>"',
      );

    if (credential.startsWith('vx_')) {
      if (!API_KEY_PATTERN.test(credential)) throw unauthenticated('malformed API key');
      if (this.isBootstrapKey(credential) && this.bootstrapCaller) return this.bootstrapCaller;
      const found = this.options.apiKeys.authenticate(credential);
      return found instanceof Promise ? found.then(requireCaller) : requireCaller(found);
    }

    if (!JWT_PATTERN.test(credential))
      throw unauthenticated('malformed credential: neither an API key nor a JWT');
    return this.authenticateUser(credential);
  }

  private async authenticateUser(credential: string): Promise<Caller> {
    const verdict = await this.options.supabase.verify(credential);
    if (verdict.ok) {
      return {
        kind: 'user',
        ownerId: verdict.userId,
        scopes: new Set(END_USER_SCOPES),
        identity: `user-${verdict.userId}`,
      };
    }
    const messages = {
      expired: 'access token has expired',
      invalid: 'access token is invalid',
      not_a_user: 'access token does not belong to a signed-in user',
      not_configured: 'access tokens are not accepted: Supabase is not configured (use an API key)',
    } as const;
    throw unauthenticated(messages[verdict.reason]);
  }

  private isBootstrapKey(credential: string): boolean {
    if (!this.bootstrapKey) return false;
    const given = Buffer.from(credential);
    return given.length === this.bootstrapKey.length && timingSafeEqual(given, this.bootstrapKey);
  }
}

function requireCaller(caller: Caller | null): Caller {
  if (!caller) throw unauthenticated('API key is invalid, revoked or expired');
  return caller;
}

function unauthenticated(message: string): ApiError {
  return new ApiError('unauthenticated', message);
}
