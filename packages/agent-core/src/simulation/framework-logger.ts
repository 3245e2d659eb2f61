import { initializeLogger, loggerOptions } from '@livekit/agents';

/**
 * Sessions log through the framework's logger, which throws until initialized. Workers do that
 * through `cli.runApp`; other processes that run simulations (the control API, the CLI, the
 * bench) call this first. Leaves an existing configuration alone.
 */
export function ensureFrameworkLogger(level = 'warn'): void {
  if (!loggerOptions()) initializeLogger({ pretty: false, level });
}
