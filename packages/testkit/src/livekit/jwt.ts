import { createHmac } from 'node:crypto';

/**
 * Signs `payload` as an HS256 JWT. The loopback signs its own tokens (webhooks, job tokens)
 * with full control over the time claims, so tests can also produce expired or not-yet-valid
 * tokens that the SDK's `AccessToken` refuses to make.
 */
export function signHs256Jwt(payload: Record<string, unknown>, secret: string): string {
  const header = base64UrlJson({ alg: 'HS256', typ: 'JWT' });
  const body = base64UrlJson(payload);
  const signature = createHmac('sha256', secret).update(`${header}.${body}`).digest('base64url');
  return `${header}.${body}.${signature}`;
}

/** The decoded header and payload of a compact JWT, without verifying anything; null if malformed. */
export function decodeJwtUnverified(
  token: string,
): { header: Record<string, unknown>; payload: Record<string, unknown> } | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString('utf8'));
    const payload: unknown = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
    if (!isRecord(header) || !isRecord(payload)) return null;
    return { header, payload };
  } catch {
    return null;
  }
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
