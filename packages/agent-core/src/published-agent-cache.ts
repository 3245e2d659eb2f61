import { AgentRepository, type Database, SessionRecordingRepository } from '@voxie/db';
import { AgentDefinition } from './agent-definition.js';
import {
  checkProviders,
  type ProviderKeys,
  type ProviderScope,
} from './providers/provider-registry.js';

/** A stored agent version as a worker needs it, with the reasons it cannot run (if any). */
export interface LoadedAgent {
  agentId: string;
  ownerId: string;
  name: string;
  versionId: string;
  version: number;
  /** Undefined when the stored JSON does not parse (then `problems` says why). */
  definition: AgentDefinition | undefined;
  problems: string[];
}

export type AgentLoader = (agentId: string, versionId?: string) => Promise<LoadedAgent | undefined>;

/**
 * Loads an agent's published version (or a pinned one) from the database and checks it can run
 * with `keys`: one indexed query, a zod parse and the provider check.
 */
export function createAgentLoader(
  database: Pick<Database, 'db'>,
  keys: ProviderKeys,
  scope: ProviderScope = 'voice',
): AgentLoader {
  const agents = new AgentRepository(database.db);
  const recording = new SessionRecordingRepository(database.db);
  return async (agentId, versionId) => {
    const found = versionId
      ? await recording.findAgentVersion(agentId, versionId)
      : await agents.findPublishedForWorker(agentId);
    if (!found) return undefined;
    const parsed = AgentDefinition.safeParse(found.version.definition);
    const problems = parsed.success
      ? checkProviders(parsed.data, keys, scope).map((p) => `${p.path}: ${p.message}`)
      : [
          `stored definition is invalid: ${parsed.error.issues
            .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
            .join('; ')}`,
        ];
    return {
      agentId: found.agent.id,
      ownerId: found.agent.ownerId,
      name: found.agent.name,
      versionId: found.version.id,
      version: found.version.version,
      definition: parsed.success ? parsed.data : undefined,
      problems,
    };
  };
}

export interface PublishedAgentCacheOptions {
  load: AgentLoader;
  /** How long an entry (found or not) is trusted; default 30 s. Publishing invalidates sooner
   * through {@link PublishedAgentCache.invalidate} (LISTEN/NOTIFY). */
  ttlMs?: number;
  /** How long "no such published agent" is trusted; default 2 s, so an agent published without
   * a notification (e.g. by an older control API) is runnable within seconds. */
  missTtlMs?: number;
  /** Entries kept at most (oldest evicted first); default 10,000. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  expiresAt: number;
  value: Promise<LoadedAgent | undefined>;
}

/**
 * In-process cache of loaded agents keyed by agent id (and pinned version). Concurrent misses
 * for one key share one load; a failed load is not cached; "not found" is cached briefly
 * (`missTtlMs`) so a flood of jobs for an unknown agent does not become a flood of queries.
 */
export class PublishedAgentCache {
  readonly #load: AgentLoader;
  readonly #ttlMs: number;
  readonly #missTtlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  #hits = 0;
  #misses = 0;

  constructor(options: PublishedAgentCacheOptions) {
    this.#load = options.load;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#missTtlMs = Math.min(options.missTtlMs ?? 2_000, this.#ttlMs);
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  get(agentId: string, versionId?: string): Promise<LoadedAgent | undefined> {
    const key = versionId ? `${agentId}@${versionId}` : agentId;
    const now = this.#now();
    const cached = this.#entries.get(key);
    if (cached && cached.expiresAt > now) {
      this.#hits++;
      return cached.value;
    }
    this.#misses++;
    const value = this.#load(agentId, versionId);
    this.#entries.delete(key);
    const entry: Entry = { expiresAt: now + this.#ttlMs, value };
    this.#entries.set(key, entry);
    value.then(
      (found) => {
        if (found === undefined) entry.expiresAt = now + this.#missTtlMs;
      },
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return value;
  }

  /** Forgets everything about one agent (all its versions). */
  invalidate(agentId: string): void {
    for (const key of this.#entries.keys()) {
      if (key === agentId || key.startsWith(`${agentId}@`)) this.#entries.delete(key);
    }
  }

  /** Forgets everything (e.g. after the change feed reconnected and may have missed events). */
  clear(): void {
    this.#entries.clear();
  }

  get stats(): { size: number; hits: number; misses: number } {
    return { size: this.#entries.size, hits: this.#hits, misses: this.#misses };
  }
}
