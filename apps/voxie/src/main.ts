import { runWorkerMain } from '@voxie/agent-worker';
import { createVoxieRuntime } from './runtime.js';
import { startVoxie } from './worker.js';

/** `node dist/main.js`: the Voxie worker. SIGTERM/SIGINT drain gracefully. */
await runWorkerMain({ name: 'voxie', createRuntime: createVoxieRuntime, start: startVoxie });
