import { z } from 'zod';

/** Shapes shared by several routes. */

export const IdParams = z.object({ id: z.uuid({ message: 'must be a UUID' }) });

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});

export const PageInfo = z.object({ nextCursor: z.string().nullable() });

export const ErrorResponse = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  requestId: z.string(),
});

/** The error responses a route documents, all with the {@link ErrorResponse} body. */
export function errorResponses<const Codes extends readonly number[]>(...codes: Codes) {
  return Object.fromEntries(codes.map((code) => [code, ErrorResponse])) as Record<
    Codes[number],
    typeof ErrorResponse
  >;
}

/** LiveKit room names: printable, no slashes (they end up in URLs), at most 256 characters. */
export const RoomNameString = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[A-Za-z0-9_.:=@+-]+$/, {
    message: 'may contain letters, digits and _ . : = @ + - only',
  });

export const iso = (date: Date | null) => (date ? date.toISOString() : null);
