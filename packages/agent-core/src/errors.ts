import { VoxieError } from '@voxie/config';

export type AgentCoreErrorCode =
  /** The definition names a provider this deployment has no credentials for. */
  | 'provider_unavailable'
  /** A stored definition does not parse. */
  | 'invalid_definition';

/** Raised by agent-core when a definition cannot be turned into a running agent. */
export class AgentCoreError extends VoxieError<AgentCoreErrorCode> {}
