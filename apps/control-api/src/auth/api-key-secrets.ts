import { hash, randomBytes } from 'node:crypto';

/** Keys look like `vx_` + 43 URL-safe characters (256 random bits). */
export const API_KEY_PATTERN = /^vx_[A-Za-z0-9_-]{29,}$/;

/** A new API key. Only its hash is stored; the key itself is shown once. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = `vx_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 10), hash: hashApiKey(key) };
}

/**
 * SHA-256, hex. Keys carry 256 random bits, so a fast hash is the right tool (no salt needed).
 * One-shot `hash` rather than a Hash object: this runs on every API-key request.
 */
export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}
