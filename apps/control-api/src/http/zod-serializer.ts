import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { ResponseSerializationError } from 'fastify-type-provider-zod';
import { type ZodType, z } from 'zod';

/**
 * Validates every response against its zod schema, then serializes it. Unlike the type
 * provider's own compiler this checks with `safeParse` rather than `safeEncode`: responses carry
 * no codecs, and zod's compiled parse path is an order of magnitude faster on the hot routes
 * (measured: ~10 µs per request on POST /v1/tokens). A response that does not match its schema
 * is a server bug and answers 500.
 */
export const zodParseSerializerCompiler: FastifySerializerCompiler<
  ZodType | { properties: ZodType }
> = ({ schema: maybeSchema, method, url }) => {
  const schema = maybeSchema instanceof z.ZodType ? maybeSchema : maybeSchema.properties;
  return (data) => {
    const result = schema.safeParse(data);
    if (!result.success) throw new ResponseSerializationError(method, url, { cause: result.error });
    return JSON.stringify(result.data);
  };
};
