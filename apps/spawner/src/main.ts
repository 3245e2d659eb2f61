import { runWorkerMain } from '@voxie/agent-worker';
import { createRuntime } from './runtime.js';
import { startSpawner } from './spawner.js';

/** `node dist/main.js`: the spawner worker. SIGTERM/SIGINT drain gracefully. */
await runWorkerMain({
  name: 'spawner',
  createRuntime,
  start: (runtime) => startSpawner(runtime),
});
