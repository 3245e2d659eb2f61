import { z } from 'zod';

/**
 * JSON carried in a LiveKit agent dispatch (`RoomAgentDispatch.metadata`), written by the control
 * API and read by the workers. Every field is optional: the worker falls back to room metadata and
 * then to the room name. Unknown fields are dropped, so older workers tolerate newer APIs.
 */
export const DispatchMetadata = z.object({
  /** Stored agent to run (spawner). */
  agentId: z.uuid().optional(),
  /** Exact agent version to run; default: the agent's published version. */
  versionId: z.uuid().optional(),
  /** Side of a simulation this dispatch plays. */
  role: z.enum(['agent', 'caller']).optional(),
  simulationId: z.uuid().optional(),
  runIndex: z.number().int().min(0).optional(),
  /** Session row the worker records into. */
  sessionId: z.uuid().optional(),
  /** Owner on whose behalf the worker acts (Voxie saves agents for this owner). */
  ownerId: z.uuid().optional(),
});
export type DispatchMetadata = z.infer<typeof DispatchMetadata>;

export type ParsedDispatchMetadata =
  | { ok: true; metadata: DispatchMetadata }
  | { ok: false; reason: string };

/**
 * Parses raw dispatch metadata. Empty or absent metadata is valid (`{}`); anything else must be
 * a JSON object matching {@link DispatchMetadata}. Never throws.
 */
export function parseDispatchMetadata(raw: string | undefined | null): ParsedDispatchMetadata {
  if (raw === undefined || raw === null || raw.trim() === '') return { ok: true, metadata: {} };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'dispatch metadata is not valid JSON' };
  }
  const result = DispatchMetadata.safeParse(json);
  if (result.success) return { ok: true, metadata: result.data };
  const problems = result.error.issues.map(
    (issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`,
  );
  return { ok: false, reason: `dispatch metadata is invalid: ${problems.join('; ')}` };
}
