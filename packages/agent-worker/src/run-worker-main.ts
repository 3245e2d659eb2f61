import type { Logger } from '@voxie/config';

export interface WorkerRuntime {
  logger: Logger;
  close(): Promise<void>;
}

export interface StartedWorker {
  healthUrl: string;
  stop(): Promise<void>;
}

/**
 * A worker's `main`: builds the runtime from the process env (a bad env prints its one message
 * and exits 1), starts the worker, logs `worker.started`, and on SIGTERM/SIGINT drains, closes
 * the runtime and exits 0 (1 if shutdown failed). A second signal exits at once.
 */
export async function runWorkerMain<R extends WorkerRuntime>(options: {
  name: string;
  createRuntime: (env: NodeJS.ProcessEnv) => Promise<R>;
  start: (runtime: R) => Promise<StartedWorker>;
}): Promise<void> {
  let runtime: R;
  try {
    runtime = await options.createRuntime(process.env);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
  const worker = await options.start(runtime);
  runtime.logger.info(
    { event: 'worker.started', health: worker.healthUrl },
    `${options.name} started`,
  );

  let signalled = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (signalled) {
      runtime.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    runtime.logger.info({ signal }, 'shutting down');
    worker
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
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
