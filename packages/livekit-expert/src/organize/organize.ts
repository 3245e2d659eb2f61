import { basename } from 'node:path';
import { Diagnoser } from '../diagnose/diagnoser.js';
import { getDefaultKnowledgeBase, type KnowledgeBase } from '../knowledge/load-knowledge-base.js';
import { type CodePatternSummary, extractCodePatterns } from './code-patterns.js';
import { type ConfigExample, collectConfigExamples } from './config-collector.js';
import { type ErrorGroup, ErrorGrouper } from './error-groups.js';
import { type ScanCounts, scanFile } from './line-scanner.js';

export interface OrganizeInput {
  logs?: readonly string[];
  code?: readonly string[];
  config?: readonly string[];
  /** Defaults to the packaged knowledge base. */
  knowledgeBase?: KnowledgeBase;
  /** Examples per error group / code pattern kind (default 3). */
  examplesPerGroup?: number;
  /** Clock for the report header (tests pin it). */
  now?: () => Date;
}

export interface KnownMatch {
  id: string;
  title: string;
  score: number;
}

export interface OrganizedErrorGroup extends ErrorGroup {
  /** Knowledge entries whose signatures match this group's samples, best first. */
  known: KnownMatch[];
}

export interface OrganizeReport {
  generatedAt: string;
  logs: Array<{ file: string } & ScanCounts>;
  problemLines: number;
  overflowLines: number;
  errorGroups: OrganizedErrorGroup[];
  code: { roots: string[]; files: number; patterns: CodePatternSummary[] };
  config: ConfigExample[];
}

/**
 * Runs the organizer: streams each log (constant memory), groups warnings and errors, links groups
 * to knowledge entries, extracts code patterns and collects redacted configuration examples.
 */
export async function organize(input: OrganizeInput): Promise<OrganizeReport> {
  const kb = input.knowledgeBase ?? getDefaultKnowledgeBase();
  const grouper = new ErrorGrouper({ maxSamples: input.examplesPerGroup ?? 3 });
  const logs: OrganizeReport['logs'] = [];
  for (const file of input.logs ?? []) {
    const name = basename(file);
    const counts = await scanFile(file, (buf, start, end) =>
      grouper.addBytes(buf, start, end, name),
    );
    logs.push({ file, ...counts });
  }
  const diagnoser = new Diagnoser(kb);
  const errorGroups = grouper.groups().map((group) => {
    const matches = diagnoser.diagnoseLines(group.samples);
    return {
      ...group,
      known: matches
        .slice(0, 3)
        .map((m) => ({ id: m.entry.id, title: m.entry.title, score: m.score })),
    };
  });
  const code: OrganizeReport['code'] = { roots: [...(input.code ?? [])], files: 0, patterns: [] };
  for (const root of input.code ?? []) {
    const result = await extractCodePatterns(root, { perKind: input.examplesPerGroup ?? 3 });
    code.files += result.files;
    for (const summary of result.patterns) {
      const existing = code.patterns.find((p) => p.kind === summary.kind);
      if (existing) {
        existing.count += summary.count;
        existing.examples.push(
          ...summary.examples.slice(0, Math.max(0, 3 - existing.examples.length)),
        );
      } else {
        code.patterns.push(summary);
      }
    }
  }
  return {
    generatedAt: (input.now?.() ?? new Date()).toISOString(),
    logs,
    problemLines: grouper.problemLines,
    overflowLines: grouper.overflow,
    errorGroups,
    code,
    config: await collectConfigExamples(input.config ?? []),
  };
}
