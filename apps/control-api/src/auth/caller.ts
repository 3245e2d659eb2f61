import type { Scope } from './scopes.js';

/** Who is calling, established once per request by the auth plugin. */
export interface Caller {
  kind: 'api_key' | 'user' | 'bootstrap_admin';
  /** Owner every query is scoped to. */
  ownerId: string;
  scopes: ReadonlySet<Scope>;
  /** Stable participant identity for LiveKit tokens and rate-limit key. */
  identity: string;
  /** The API key's id, for `api_key` callers. */
  keyId?: string;
}

export function hasScope(caller: Caller, scope: Scope): boolean {
  return caller.scopes.has('admin') || caller.scopes.has(scope);
}
