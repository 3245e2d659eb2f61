import { llm } from '@livekit/agents';
import { z } from 'zod';
import { type HttpToolDefinition, urlTemplatePlaceholders } from './tool-definition.js';

/** Looks up a named secret's value on this deployment; undefined when it has none. */
export type SecretResolver = (name: string) => string | undefined;

/** What happened to one tool call, for logs and metrics (never carries secret values). */
export interface ToolCallReport {
  tool: string;
  outcome: 'ok' | 'invalid_arguments' | 'timeout' | 'http_error' | 'too_large' | 'failed';
  durationMs: number;
  httpStatus?: number;
}

export interface HttpToolOptions {
  secrets: SecretResolver;
  /** Called once per call, after it finished or failed. */
  onCall?: (report: ToolCallReport) => void;
}

const ERROR_EXCERPT_CHARS = 300;

class ResponseTooLarge extends Error {}

/** Formats zod issues as `path: message` for the LLM. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(arguments)'}: ${issue.message}`)
    .join('; ');
}

/** Reads at most `limit` bytes of a body; throws {@link ResponseTooLarge} beyond that. */
async function readCapped(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel();
    throw new ResponseTooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new ResponseTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) {
    if (secret.length >= 4) scrubbed = scrubbed.split(secret).join('[redacted]');
  }
  return scrubbed;
}

function parseBody(text: string, contentType: string | null): unknown {
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** Compiled argument validators, per (immutable, often cached) tool definition. */
const validators = new WeakMap<HttpToolDefinition, z.ZodType>();

function validatorFor(definition: HttpToolDefinition): z.ZodType {
  let validator = validators.get(definition);
  if (!validator) {
    validator = z.fromJSONSchema(definition.parameters as z.core.JSONSchema.JSONSchema);
    validators.set(definition, validator);
  }
  return validator;
}

/** Builds the request (URL, headers, body) for validated arguments. Exported for tests. */
export function buildHttpRequest(
  definition: HttpToolDefinition,
  args: Record<string, unknown>,
  secrets: SecretResolver,
): { url: string; init: RequestInit; secretValues: string[] } {
  const secretValues: string[] = [];
  const used = new Set(urlTemplatePlaceholders(definition.url));
  const url = new URL(
    definition.url.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) =>
      encodeURIComponent(String(args[name] ?? '')),
    ),
  );
  const rest = Object.fromEntries(Object.entries(args).filter(([name]) => !used.has(name)));
  const headers = new Headers({ accept: 'application/json, text/plain;q=0.9, */*;q=0.5' });
  for (const [name, value] of Object.entries(definition.headers)) {
    if (typeof value === 'string') {
      headers.set(name, value);
      continue;
    }
    const secret = secrets(value.secret);
    if (secret === undefined) {
      throw new llm.ToolError(
        `The ${definition.name} tool is not configured on this deployment (missing secret "${value.secret}").`,
      );
    }
    secretValues.push(secret);
    headers.set(name, `${value.prefix}${secret}`);
  }
  const init: RequestInit = { method: definition.method, headers };
  if (definition.method === 'GET' || definition.method === 'DELETE') {
    for (const [name, value] of Object.entries(rest)) {
      if (value === undefined || value === null) continue;
      url.searchParams.set(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
    }
  } else {
    headers.set('content-type', 'application/json');
    init.body = JSON.stringify(rest);
  }
  return { url: url.toString(), init, secretValues };
}

/**
 * An HTTP tool the LLM can call. Arguments are validated against the declared JSON schema before
 * anything is sent; a timeout, a non-2xx answer, an oversize body or a network failure becomes a
 * `ToolError` whose message the LLM sees and can talk about — the session never crashes.
 */
export function createHttpTool(
  definition: HttpToolDefinition,
  options: HttpToolOptions,
): llm.ToolContextEntry {
  const validator = validatorFor(definition);
  const report = (outcome: ToolCallReport['outcome'], startedAt: number, httpStatus?: number) =>
    options.onCall?.({
      tool: definition.name,
      outcome,
      durationMs: performance.now() - startedAt,
      httpStatus,
    });

  return llm.tool({
    name: definition.name,
    description: definition.description,
    // The raw JSON schema goes to the LLM as written; validation happens below.
    parameters: definition.parameters as Parameters<typeof llm.tool>[0]['parameters'],
    execute: async (rawArgs, { abortSignal }) => {
      const startedAt = performance.now();
      const parsed = validator.safeParse(rawArgs ?? {});
      if (!parsed.success) {
        report('invalid_arguments', startedAt);
        throw new llm.ToolError(
          `Invalid arguments for ${definition.name}: ${describeIssues(parsed.error)}`,
        );
      }
      let request: ReturnType<typeof buildHttpRequest>;
      try {
        request = buildHttpRequest(
          definition,
          (parsed.data ?? {}) as Record<string, unknown>,
          options.secrets,
        );
      } catch (error) {
        report('failed', startedAt);
        throw error;
      }
      const timeout = AbortSignal.timeout(definition.timeoutMs);
      const signal = abortSignal ? AbortSignal.any([timeout, abortSignal]) : timeout;
      try {
        const response = await fetch(request.url, { ...request.init, signal });
        // A service that echoes our credentials must not leak them to the LLM or the transcript.
        const text = scrubSecrets(
          await readCapped(response, definition.maxResponseBytes),
          request.secretValues,
        );
        if (!response.ok) {
          report('http_error', startedAt, response.status);
          const excerpt = text.slice(0, ERROR_EXCERPT_CHARS);
          throw new llm.ToolError(
            `The ${definition.name} service answered with HTTP ${response.status}${excerpt ? `: ${excerpt}` : ''}`,
          );
        }
        report('ok', startedAt, response.status);
        return parseBody(text, response.headers.get('content-type'));
      } catch (error) {
        if (error instanceof llm.ToolError) throw error;
        if (error instanceof ResponseTooLarge) {
          report('too_large', startedAt);
          throw new llm.ToolError(
            `The ${definition.name} service sent a response larger than ${definition.maxResponseBytes} bytes; it was discarded.`,
          );
        }
        if (timeout.aborted) {
          report('timeout', startedAt);
          throw new llm.ToolError(
            `The ${definition.name} service did not answer within ${definition.timeoutMs} ms.`,
          );
        }
        report('failed', startedAt);
        throw new llm.ToolError(`The ${definition.name} service could not be reached.`);
      }
    },
  });
}
