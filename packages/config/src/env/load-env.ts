import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { isSecretKey } from '../redact.js';
import { NodeEnv } from './variables.js';

export type EnvSource = Record<string, string | undefined>;

/**
 * Parses an environment once, failing fast. `build` receives the runtime mode (from NODE_ENV)
 * so schemas can default differently in development.
 *
 * Empty strings count as unset (as in most `.env` files). On failure throws ONE
 * {@link ConfigError} (`invalid_env`) that names every bad variable and what is wrong with it;
 * the message never contains a variable's value.
 */
export function loadEnv<Shape extends z.ZodRawShape>(
  build: (mode: NodeEnv) => z.ZodObject<Shape>,
  source: EnvSource,
): z.infer<z.ZodObject<Shape>> {
  const cleaned: EnvSource = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const modeResult = NodeEnv.safeParse(cleaned.NODE_ENV ?? 'production');
  const schema = build(modeResult.success ? modeResult.data : 'production');
  const result = schema.safeParse(cleaned);
  if (result.success && modeResult.success) return result.data;

  const problems = new Map<string, string>();
  if (!modeResult.success) problems.set('NODE_ENV', 'must be one of development, test, production');
  for (const issue of result.error?.issues ?? []) {
    const name = String(issue.path[0] ?? '(environment)');
    if (!problems.has(name)) problems.set(name, describeIssue(issue, name, schema, cleaned));
  }
  const lines = [...problems].map(([name, problem]) => `  - ${name}: ${problem}`);
  throw new ConfigError(
    'invalid_env',
    scrubValues(
      `Invalid environment (${problems.size} problem${problems.size === 1 ? '' : 's'}):\n${lines.join('\n')}`,
      cleaned,
    ),
  );
}

function describeIssue(
  issue: z.core.$ZodIssue,
  name: string,
  schema: z.ZodObject,
  source: EnvSource,
): string {
  if (source[name] === undefined) {
    const description = schema.shape[name]?.description;
    return description ? `is required (${description})` : 'is required';
  }
  return issue.message;
}

/** Belt and braces: whatever a message says, no secret value leaves this function. */
function scrubValues(message: string, source: EnvSource): string {
  let scrubbed = message;
  for (const [key, value] of Object.entries(source)) {
    if (value && value.length >= 4 && isSecretKey(key))
      scrubbed = scrubbed.split(value).join('[redacted]');
  }
  return scrubbed;
}
