import {
  createRemoteJWKSet,
  type JWTPayload,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import { z } from 'zod';

export type TokenVerdict =
  | { ok: true; userId: string }
  | { ok: false; reason: 'expired' | 'invalid' | 'not_a_user' | 'not_configured' };

const UserClaims = z.object({ sub: z.uuid(), role: z.string().optional() });

export interface SupabaseVerifierOptions {
  /** Project URL; its JWKS (`/auth/v1/.well-known/jwks.json`) verifies asymmetric tokens. */
  url?: string;
  /** Legacy HS256 secret. */
  jwtSecret?: string;
}

/**
 * Verifies Supabase end-user access tokens locally: asymmetric keys from the project's JWKS
 * (fetched and cached by jose) or the legacy HS256 secret. The owner is the token's `sub`.
 */
export class SupabaseTokenVerifier {
  private readonly jwks: JWTVerifyGetKey | undefined;
  private readonly secret: Uint8Array | undefined;

  constructor(options: SupabaseVerifierOptions) {
    this.jwks = options.url
      ? createRemoteJWKSet(new URL('/auth/v1/.well-known/jwks.json', options.url), {
          timeoutDuration: 3_000,
          cooldownDuration: 30_000,
        })
      : undefined;
    this.secret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;
  }

  get configured(): boolean {
    return this.jwks !== undefined || this.secret !== undefined;
  }

  async verify(token: string): Promise<TokenVerdict> {
    if (!this.configured) return { ok: false, reason: 'not_configured' };
    let payload: JWTPayload;
    try {
      const header = JSON.parse(
        Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'),
      ) as {
        alg?: unknown;
      };
      const useSecret = header.alg === 'HS256';
      if (useSecret && !this.secret) return { ok: false, reason: 'invalid' };
      if (!useSecret && !this.jwks) return { ok: false, reason: 'invalid' };
      const options = { audience: 'authenticated', requiredClaims: ['exp', 'sub'] };
      payload = useSecret
        ? (await jwtVerify(token, this.secret as Uint8Array, { ...options, algorithms: ['HS256'] }))
            .payload
        : (
            await jwtVerify(token, this.jwks as JWTVerifyGetKey, {
              ...options,
              algorithms: ['RS256', 'ES256', 'EdDSA'],
            })
          ).payload;
    } catch (error) {
      return { ok: false, reason: error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
    }
    const claims = UserClaims.safeParse(payload);
    if (!claims.success || claims.data.role === 'anon') return { ok: false, reason: 'not_a_user' };
    return { ok: true, userId: claims.data.sub };
  }
}
