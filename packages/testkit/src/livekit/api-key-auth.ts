import type { IncomingMessage } from 'node:http';
import { type ClaimGrants, TokenVerifier } from 'livekit-server-sdk';
import { decodeJwtUnverified } from './jwt.js';

/** golang-jwt leeway the server allows on exp/nbf/iat (auth.tokenLeeway). */
const TOKEN_LEEWAY_SECONDS = 60;
const BEARER_PREFIX = 'Bearer ';

/** What the server's API-key middleware concluded about a request. */
export type ApiAuthResult =
  | { kind: 'anonymous' }
  | { kind: 'authenticated'; apiKey: string; claims: ClaimGrants }
  /** The middleware answers these itself: HTTP 401 with a plain-text body (not Twirp JSON). */
  | { kind: 'rejected'; status: 401; text: string };

/**
 * Mirrors livekit-server's `APIKeyAuthMiddleware`: the token comes from `Authorization: Bearer`
 * (or the `access_token` query parameter when there is no header), must be HS256, signed with the
 * secret of the key named in `iss`, carry `exp`, and be within its `nbf`/`exp` window (60 s
 * leeway). A request without a token passes through without grants, so the service's grant check
 * answers it.
 */
export async function authenticateApiRequest(
  req: IncomingMessage,
  keys: ReadonlyMap<string, string>,
): Promise<ApiAuthResult> {
  const header = req.headers.authorization;
  let token: string | null;
  if (header !== undefined && header !== '') {
    if (!header.startsWith(BEARER_PREFIX)) {
      return reject(`invalid authorization header. Must start with ${BEARER_PREFIX}`);
    }
    token = header.slice(BEARER_PREFIX.length);
  } else {
    token = new URL(req.url ?? '/', 'http://loopback').searchParams.get('access_token');
  }
  if (token === null || token === '') return { kind: 'anonymous' };

  const decoded = decodeJwtUnverified(token);
  if (decoded === null || decoded.header.alg !== 'HS256') {
    return reject('invalid authorization token');
  }
  const apiKey = typeof decoded.payload.iss === 'string' ? decoded.payload.iss : '';
  const secret = keys.get(apiKey);
  if (secret === undefined) return reject('invalid API key');
  try {
    const claims = await new TokenVerifier(apiKey, secret).verify(token, TOKEN_LEEWAY_SECONDS);
    return { kind: 'authenticated', apiKey, claims };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return reject(`invalid authorization token: ${reason}`);
  }
}

function reject(text: string): ApiAuthResult {
  return { kind: 'rejected', status: 401, text };
}
