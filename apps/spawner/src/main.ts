import { createRuntime } from './runtime.js';
import { startSpawner } from './spawner.js';

/** `node dist/main.js`: the spawner worker. SIGTERM/SIGINT drain gracefully. */
const runtime = await createRuntime(process.env).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
const spawner = await startSpawner(runtime);
runtime.logger.info({ event: 'worker.started', health: spawner.healthUrl }, 'spawner started');

let signalled = false;
const shutdown = (signal: string) => {
  if (signalled) {
    runtime.logger.warn({ signal }, 'second signal: exiting now');
    process.exit(1);
  }
  signalled = true;
  runtime.logger.info({ signal }, 'shutting down');
  void spawner
    .stop()
    .then(() => runtime.close())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        runtime.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
};
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
