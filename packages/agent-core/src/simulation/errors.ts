import { VoxieError } from '@voxie/config';

export type SimulationErrorCode =
  /** A scenario name that is neither in the library nor given inline. */
  | 'unknown_scenario'
  /** A persona name that is neither in the library nor given inline. */
  | 'unknown_persona';

/** Raised when a simulation cannot be planned. */
export class SimulationError extends VoxieError<SimulationErrorCode> {}
