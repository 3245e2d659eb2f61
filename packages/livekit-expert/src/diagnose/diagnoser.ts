import { redactString } from '@voxie/config';
import type { KnowledgeBase } from '../knowledge/load-knowledge-base.js';
import type { KnowledgeEntry, SignatureSource } from '../knowledge/schema.js';
import { type LogFormat, parseLogLine } from '../organize/log-record.js';

/** One knowledge entry that matched, with the evidence. */
export interface Diagnosis {
  entry: KnowledgeEntry;
  /** Best single-line score (specificity of the matched signature). */
  score: number;
  /** Lines (1-based) that matched, at most 5 kept. */
  lines: number[];
  occurrences: number;
  matchedSignatures: string[];
  /** First matching line, secrets masked. */
  example: string;
}

interface CompiledSignature {
  entry: KnowledgeEntry;
  text: string;
  source: SignatureSource;
  primary: boolean;
  test: (haystack: string) => boolean;
  weight: number;
}

const FORMAT_SOURCES: Record<LogFormat, readonly SignatureSource[]> = {
  'livekit-server': ['livekit-server'],
  'agents-pino': ['agents', 'rtc-node', 'server-sdk'],
  'python-json': ['agents', 'server-sdk'],
  json: [],
  text: [],
};

/**
 * Matches log lines against the error signatures of a knowledge base. Scoring is deterministic:
 * a matched signature weighs 10 + its length (specific strings beat generic ones), +3 when the
 * line's format fits the signature's source, +2 when it is the entry's first (primary) signature;
 * several signatures of one entry on one line add up.
 */
export class Diagnoser {
  readonly #signatures: CompiledSignature[];

  constructor(kb: KnowledgeBase) {
    this.#signatures = kb.entries.flatMap((entry) =>
      entry.signatures.map((signature, index) => {
        const needle = signature.text.toLowerCase();
        const regex = signature.regex ? new RegExp(signature.text, 'i') : undefined;
        return {
          entry,
          text: signature.text,
          source: signature.source,
          primary: index === 0,
          test: regex
            ? (haystack: string) => regex.test(haystack)
            : (haystack: string) => haystack.includes(needle),
          // A regex's length overstates its specificity (escapes, classes): count it at 60%.
          weight:
            10 +
            Math.min(80, regex ? Math.round(signature.text.length * 0.6) : signature.text.length),
        } satisfies CompiledSignature;
      }),
    );
  }

  /** Scores one line; entries that matched with their line score, best first. */
  matchLine(line: string): Array<{ entry: KnowledgeEntry; score: number; signatures: string[] }> {
    const record = parseLogLine(line);
    const haystack = line.toLowerCase();
    const fitting = record ? FORMAT_SOURCES[record.format] : [];
    const scores = new Map<
      string,
      { entry: KnowledgeEntry; score: number; signatures: string[] }
    >();
    for (const signature of this.#signatures) {
      if (!signature.test(haystack)) continue;
      let score = signature.weight;
      if (fitting.includes(signature.source)) score += 3;
      if (signature.primary) score += 2;
      const current = scores.get(signature.entry.id);
      if (current) {
        current.score += score;
        current.signatures.push(signature.text);
      } else {
        scores.set(signature.entry.id, {
          entry: signature.entry,
          score,
          signatures: [signature.text],
        });
      }
    }
    return [...scores.values()].sort(
      (a, b) => b.score - a.score || a.entry.id.localeCompare(b.entry.id),
    );
  }

  /**
   * Diagnoses a whole log given as lines: per entry the best line score, the lines and the count.
   * Ranked by best score, then occurrences, then id.
   */
  diagnoseLines(lines: Iterable<string>): Diagnosis[] {
    const results = new Map<string, Diagnosis>();
    let lineNumber = 0;
    for (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      for (const match of this.matchLine(line)) {
        let result = results.get(match.entry.id);
        if (!result) {
          result = {
            entry: match.entry,
            score: 0,
            lines: [],
            occurrences: 0,
            matchedSignatures: [],
            example: redactString(line.length > 400 ? `${line.slice(0, 400)}…` : line),
          };
          results.set(match.entry.id, result);
        }
        result.occurrences++;
        result.score = Math.max(result.score, match.score);
        if (result.lines.length < 5) result.lines.push(lineNumber);
        for (const signature of match.signatures) {
          if (!result.matchedSignatures.includes(signature))
            result.matchedSignatures.push(signature);
        }
      }
    }
    return [...results.values()].sort(
      (a, b) =>
        b.score - a.score || b.occurrences - a.occurrences || a.entry.id.localeCompare(b.entry.id),
    );
  }
}
