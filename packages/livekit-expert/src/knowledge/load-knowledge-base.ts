import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExpertError } from '../errors.js';
import { type Domain, KnowledgeEntry } from './schema.js';

/** The entries shipped with the package: `knowledge/entries/*.json` beside `src/` and `dist/`. */
export const DEFAULT_KNOWLEDGE_DIR = fileURLToPath(
  new URL('../../knowledge/entries', import.meta.url),
);

/** A validated, immutable set of entries with lookups by id and domain. */
export interface KnowledgeBase {
  readonly entries: readonly KnowledgeEntry[];
  byId(id: string): KnowledgeEntry | undefined;
  byDomain(domain: Domain): readonly KnowledgeEntry[];
}

/**
 * Reads and validates every `*.json` file in `dir` (one entry per file, file name = `<id>.json`).
 * Fails with `ExpertError('invalid_knowledge_entry')` naming the file and the schema issues, or
 * `duplicate_knowledge_entry` when two files share an id.
 */
export function loadKnowledgeBase(dir: string = DEFAULT_KNOWLEDGE_DIR): KnowledgeBase {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  const entries: KnowledgeEntry[] = [];
  const ids = new Map<string, string>();
  for (const file of files) {
    const raw = readFileSync(join(dir, file), 'utf8');
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (cause) {
      throw new ExpertError('invalid_knowledge_entry', `${file}: not valid JSON`, { cause });
    }
    const parsed = KnowledgeEntry.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .map((issue) => `${issue.path.join('.') || '(entry)'}: ${issue.message}`)
        .join('; ');
      throw new ExpertError('invalid_knowledge_entry', `${file}: ${issues}`);
    }
    const entry = parsed.data;
    if (`${entry.id}.json` !== file) {
      throw new ExpertError(
        'invalid_knowledge_entry',
        `${file}: id "${entry.id}" must match the file name`,
      );
    }
    const previous = ids.get(entry.id);
    if (previous) {
      throw new ExpertError(
        'duplicate_knowledge_entry',
        `${file}: id "${entry.id}" already in ${previous}`,
      );
    }
    ids.set(entry.id, file);
    entries.push(entry);
  }
  return createKnowledgeBase(entries);
}

/** Wraps already-validated entries (tests build small bases this way). */
export function createKnowledgeBase(entries: readonly KnowledgeEntry[]): KnowledgeBase {
  const frozen = Object.freeze([...entries]);
  const index = new Map(frozen.map((entry) => [entry.id, entry]));
  return {
    entries: frozen,
    byId: (id) => index.get(id),
    byDomain: (domain) =>
      frozen.filter((entry) => entry.domain === domain || entry.relatedDomains.includes(domain)),
  };
}

let cached: KnowledgeBase | undefined;

/** The packaged knowledge base, loaded and validated once per process. */
export function getDefaultKnowledgeBase(): KnowledgeBase {
  cached ??= loadKnowledgeBase();
  return cached;
}
