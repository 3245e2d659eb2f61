import { createVoxieRuntime } from './runtime.js';
import { startVoxie } from './worker.js';

/** `node dist/main.js`: the Voxie worker. SIGTERM/SIGINT drain gracefully. */
const runtime = await createVoxieRuntime(process.env).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
const worker = await startVoxie(runtime);
runtime.logger.info({ event: 'worker.started', health: worker.healthUrl }, 'voxie started');

let signalled = false;
const shutdown = (signal: string) => {
  if (signalled) {
    runtime.logger.warn({ signal }, 'second signal: exiting now');
    process.exit(1);
  }
  signalled = true;
  runtime.logger.info({ signal }, 'shutting down');
  void worker
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
