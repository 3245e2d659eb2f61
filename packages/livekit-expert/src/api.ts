import { z } from 'zod';
import { Diagnoser } from './diagnose/diagnoser.js';
import { getDefaultKnowledgeBase } from './knowledge/load-knowledge-base.js';
import { CodeSample, Domain, EntryCategory } from './knowledge/schema.js';

/** Body of `POST /v1/expert/route`. */
export const RouteRequest = z.object({
  text: z.string().trim().min(1).max(10_000),
});
export type RouteRequest = z.infer<typeof RouteRequest>;

/** Response of `POST /v1/expert/route` (what `routeRequest(text)` returns). */
export const RouteResult = z.object({
  mode: z.enum(['rules', 'llm']),
  domains: z.array(
    z.object({
      domain: Domain,
      confidence: z.number().min(0).max(1),
      score: z.number(),
      evidence: z.array(z.string()),
    }),
  ),
  specialists: z.array(z.string()),
  gates: z.array(
    z.object({
      gate: z.enum(['requirements-validation', 'architectural-alignment', 'security-review']),
      description: z.string(),
      checklist: z.array(z.string()),
    }),
  ),
  relatedEntries: z.array(z.object({ id: z.string(), title: z.string(), domain: Domain })),
});
export type RouteResult = z.infer<typeof RouteResult>;

/** Body of `POST /v1/expert/diagnose`: log text (any mix of formats), at most 1 MB. */
export const DiagnoseRequest = z.object({
  log: z.string().min(1).max(1_000_000),
  limit: z.number().int().min(1).max(20).default(5),
});
export type DiagnoseRequest = z.input<typeof DiagnoseRequest>;

export const DiagnoseMatch = z.object({
  id: z.string(),
  title: z.string(),
  domain: Domain,
  category: EntryCategory,
  score: z.number(),
  occurrences: z.number().int(),
  lines: z.array(z.number().int()),
  matchedSignatures: z.array(z.string()),
  example: z.string(),
  causes: z.array(z.string()),
  // Output shape of a code sample (the knowledge-file schema also accepts arrays of lines).
  solution: z.array(
    z.object({
      step: z.string(),
      code: z.object({ language: CodeSample.shape.language, source: z.string() }).optional(),
    }),
  ),
  docs: z.array(z.string()),
});
export type DiagnoseMatch = z.infer<typeof DiagnoseMatch>;

/** Response of `POST /v1/expert/diagnose` (what `diagnoseLog(text)` returns). */
export const DiagnoseResult = z.object({
  lines: z.number().int(),
  matches: z.array(DiagnoseMatch),
});
export type DiagnoseResult = z.infer<typeof DiagnoseResult>;

let diagnoser: Diagnoser | undefined;

/**
 * Ranks knowledge entries for a log (best first, at most `limit`, default 5) with their causes
 * and solutions. Uses the packaged knowledge base, loaded once. Example lines are secret-masked.
 */
export function diagnoseLog(text: string, options: { limit?: number } = {}): DiagnoseResult {
  diagnoser ??= new Diagnoser(getDefaultKnowledgeBase());
  const lines = text.split(/\r?\n/);
  const matches = diagnoser
    .diagnoseLines(lines)
    .slice(0, options.limit ?? 5)
    .map((d) => ({
      id: d.entry.id,
      title: d.entry.title,
      domain: d.entry.domain,
      category: d.entry.category,
      score: d.score,
      occurrences: d.occurrences,
      lines: d.lines,
      matchedSignatures: d.matchedSignatures,
      example: d.example,
      causes: d.entry.causes,
      solution: d.entry.solution,
      docs: d.entry.docs,
    }));
  return { lines: lines.length, matches };
}
