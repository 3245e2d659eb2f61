import { isSecretKey } from '@voxie/config';
import { z } from 'zod';

/**
 * Tools an agent definition declares. Stored as JSON with the definition, so everything here is
 * plain data: an HTTP tool names the secrets it needs, and the deployment supplies their values
 * when the agent runs (see `SecretResolver`). A definition never holds a secret value.
 */

/** What the LLM calls the tool by: OpenAI's rule for function names. */
export const ToolName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_-]{0,63}$/, {
  message: 'must be 1-64 characters of letters, digits, _ or -, not starting with a digit or -',
});

/** The JSON schema of a tool's arguments: an object schema, as the LLM APIs expect. */
export const ToolParameters = z
  .object({
    type: z.literal('object'),
    properties: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    required: z.array(z.string()).optional(),
    additionalProperties: z.boolean().optional(),
  })
  .loose()
  .superRefine((schema, ctx) => {
    for (const name of schema.required ?? []) {
      if (!(name in schema.properties)) {
        ctx.addIssue({
          code: 'custom',
          message: `required property "${name}" is not declared in properties`,
          path: ['required'],
        });
      }
    }
    try {
      z.fromJSONSchema(schema as z.core.JSONSchema.JSONSchema);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `not a usable JSON schema: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  });
export type ToolParameters = z.infer<typeof ToolParameters>;

/** A secret's name as the deployment knows it, e.g. `crm_token`. */
export const SecretName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, { message: 'must be a secret name like crm_token' });

/** A header value: literal text, or the value of a named secret (optionally after a prefix). */
export const HeaderValue = z.union([
  z.string().max(2000),
  z.object({
    secret: SecretName,
    /** Text before the secret value, e.g. `Bearer `. */
    prefix: z.string().max(100).default(''),
  }),
]);
export type HeaderValue = z.infer<typeof HeaderValue>;

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Names of the `{placeholder}`s in a URL template, in order. */
export function urlTemplatePlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
}

export const HttpToolDefinition = z
  .object({
    type: z.literal('http'),
    name: ToolName,
    /** What the LLM reads to decide when to call the tool. */
    description: z.string().trim().min(1).max(2000),
    parameters: ToolParameters.prefault({ type: 'object' }),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    /**
     * `https://api.example.com/orders/{orderId}`: placeholders take the argument of that name
     * (URL-encoded). Remaining arguments go in the query string (GET, DELETE) or JSON body.
     */
    url: z.string().min(1).max(2000),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/), HeaderValue).default({}),
    /** Whole-request deadline; default 10 s. */
    timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
    /** Largest response body accepted; default 64 KiB. */
    maxResponseBytes: z
      .number()
      .int()
      .min(1)
      .max(1024 * 1024)
      .default(64 * 1024),
  })
  .superRefine((tool, ctx) => {
    const probe = tool.url.replace(PLACEHOLDER, 'x');
    if (!URL.canParse(probe) || !/^https?:$/.test(new URL(probe).protocol)) {
      ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL', path: ['url'] });
    }
    for (const name of urlTemplatePlaceholders(tool.url)) {
      if (!(name in (tool.parameters.properties ?? {}))) {
        ctx.addIssue({
          code: 'custom',
          message: `placeholder {${name}} is not a declared parameter`,
          path: ['url'],
        });
      }
    }
    for (const [header, value] of Object.entries(tool.headers)) {
      if (
        typeof value === 'string' &&
        (isSecretKey(header) || header.toLowerCase() === 'x-api-key')
      ) {
        ctx.addIssue({
          code: 'custom',
          message: `header ${header} carries a credential: reference a secret ({ "secret": "name" }) instead of an inline value`,
          path: ['headers', header],
        });
      }
    }
  });
export type HttpToolDefinition = z.infer<typeof HttpToolDefinition>;

/** The built-in tool that ends the call: the agent says goodbye, then the room is closed. */
export const EndCallToolDefinition = z.object({
  type: z.literal('end_call'),
  name: ToolName.default('end_call'),
  description: z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .default(
      'End the call. Use only when the caller clearly says they are done (for example "that is all, bye"). Do not use to pause, hold or transfer.',
    ),
  /** What the agent is told to do before hanging up. */
  goodbyeInstructions: z
    .string()
    .trim()
    .min(1)
    .max(1000)
    .default('Say a short, friendly goodbye to the caller.'),
  /** Close the LiveKit room afterwards (disconnects every participant, SIP included). */
  deleteRoom: z.boolean().default(true),
});
export type EndCallToolDefinition = z.infer<typeof EndCallToolDefinition>;

export const ToolDefinition = z.discriminatedUnion('type', [
  HttpToolDefinition,
  EndCallToolDefinition,
]);
export type ToolDefinition = z.infer<typeof ToolDefinition>;
