import { z } from 'zod';
import type { JsonSchema } from './definition.js';

export type CompiledSchema =
  | { ok: true; validator: z.ZodType; properties: string[] }
  | { ok: false; message: string };

/**
 * Checks that `schema` is an object JSON Schema whose `required` names declared properties, and
 * converts it to a zod validator. With `allOptional`, `required` is ignored (used for userdata,
 * which fills up over the conversation).
 */
export function compileObjectSchema(
  schema: JsonSchema,
  options: { allOptional?: boolean } = {},
): CompiledSchema {
  if (schema.type !== 'object') {
    return {
      ok: false,
      message: `must have "type": "object" (got ${JSON.stringify(schema.type)})`,
    };
  }
  const properties = schema.properties ?? {};
  if (!isPlainObject(properties)) {
    return { ok: false, message: '"properties" must be an object' };
  }
  for (const [name, property] of Object.entries(properties)) {
    if (!isPlainObject(property)) {
      return { ok: false, message: `property "${name}" must be a schema object` };
    }
  }
  const required = schema.required ?? [];
  if (!Array.isArray(required) || required.some((name) => typeof name !== 'string')) {
    return { ok: false, message: '"required" must be an array of property names' };
  }
  const undeclared = required.filter((name) => !(name in properties));
  if (undeclared.length > 0) {
    return {
      ok: false,
      message: `"required" names undeclared properties: ${undeclared.join(', ')}`,
    };
  }
  const source = options.allOptional ? withoutRequired(schema) : schema;
  try {
    return {
      ok: true,
      validator: z.fromJSONSchema(source as Parameters<typeof z.fromJSONSchema>[0]),
      properties: Object.keys(properties),
    };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** `z.prettifyError`-like one-liner the LLM can act on: `field: problem; other: problem`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

function withoutRequired(schema: JsonSchema): JsonSchema {
  const { required: _required, ...rest } = schema;
  return rest;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
