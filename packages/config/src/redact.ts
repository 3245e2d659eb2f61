/**
 * Secret redaction used by the logger and by error messages. Two layers: values under keys that
 * name a secret are replaced whole; credentials with a recognisable shape (JWTs, bearer tokens,
 * Voxie and OpenAI keys, passwords in URLs) are masked inside any string.
 */

export const REDACTED = '[redacted]';

const SECRET_KEY_PARTS = [
  'secret',
  'password',
  'passwd',
  'apikey',
  'authorization',
  'cookie',
  'privatekey',
  'credential',
];
const SECRET_KEY_SUFFIXES = ['token', 'jwt'];
const SECRET_KEY_NAMES = new Set(['databaseurl', 'redisurl', 'connectionstring', 'dsn']);

/** True when a field or variable name says its value is secret (case and `_`/`-` ignored). */
export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[_-]/g, '');
  return (
    SECRET_KEY_NAMES.has(normalized) ||
    SECRET_KEY_PARTS.some((part) => normalized.includes(part)) ||
    SECRET_KEY_SUFFIXES.some((suffix) => normalized.endsWith(suffix))
  );
}

const VALUE_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\bBearer\s+[^\s,;"']+/gi, `Bearer ${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  [/\bvx_[A-Za-z0-9_-]{8,}/g, REDACTED],
  [/\bsk-[A-Za-z0-9_-]{16,}/g, REDACTED],
  [/([a-z][a-z0-9+.-]*:\/\/[^:/\s@]*):[^@\s/]+@/gi, `$1:${REDACTED}@`],
];

/** Masks credentials that have a recognisable shape inside free text. */
export function redactString(text: string): string {
  let result = text;
  for (const [pattern, replacement] of VALUE_PATTERNS)
    result = result.replace(pattern, replacement);
  return result;
}

/**
 * Returns a copy of `value` with secret keys replaced and strings masked, to any depth, through
 * plain objects and arrays. Errors become plain `{ type, message, stack, code, cause }` objects so
 * they can be masked too; other class instances are returned as they are.
 */
export function redactDeep(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, seen));
  if (value instanceof Error) return redactError(value, seen);
  // Class instances (HTTP requests, streams...) are left to the logger's serializers.
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      isSecretKey(key) && item !== undefined && item !== null ? REDACTED : redactDeep(item, seen);
  }
  return out;
}

function redactError(error: Error, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: error.name,
    message: redactString(error.message),
    stack: error.stack ? redactString(error.stack) : undefined,
  };
  for (const [key, item] of Object.entries(error)) {
    out[key] = isSecretKey(key) ? REDACTED : redactDeep(item, seen);
  }
  if (error.cause !== undefined) out.cause = redactDeep(error.cause, seen);
  return out;
}

/** A URL safe to print: password replaced, query string dropped. */
export function redactUrl(url: string): string {
  if (!URL.canParse(url)) return REDACTED;
  const parsed = new URL(url);
  const placeholder = 'voxie-redacted-password';
  if (parsed.password) parsed.password = placeholder;
  parsed.search = '';
  // URL would percent-encode the brackets of REDACTED, so substitute after serialising.
  return parsed.toString().replace(placeholder, REDACTED);
}
