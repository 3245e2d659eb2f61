import { milliseconds, Port } from '@voxie/config';
import { z } from 'zod';
import { otlpEnv } from './otlp-export.js';

/**
 * Env variables every agent worker has (spread into the app's schema beside its own PORT):
 * where the health server listens, how it drains, how many sessions it takes, OTLP export.
 */
export const agentWorkerEnv = {
  ...otlpEnv,
  HOST: z.string().min(1).default('0.0.0.0').describe('interface the health endpoint listens on'),
  WORKER_HTTP_PORT: Port.default(0).describe(
    "port of the LiveKit framework's own worker status server (0: any free port)",
  ),
  DRAIN_TIMEOUT_MS: milliseconds(120_000, 'how long SIGTERM waits for running sessions'),
  JOB_INITIALIZE_TIMEOUT_MS: milliseconds(
    10_000,
    'how long a new job process may take to start (load models, prewarm) before the job fails',
  ),
  NUM_IDLE_PROCESSES: z.coerce
    .number({ message: 'must be a number' })
    .int()
    .min(0)
    .max(64)
    .optional()
    .describe(
      'job processes kept warm (default, and what production makes of 0: min(CPUs, 4); none outside production)',
    ),
  MAX_SESSIONS: z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be a whole number' })
    .min(1, { message: 'must be at least 1' })
    .optional()
    .describe(
      'sessions this worker runs at once: its load is running/MAX_SESSIONS and it is full at ' +
        "MAX_SESSIONS (default: the framework's CPU load, full above 70% in production)",
    ),
};

const agentWorkerEnvSchema = z.object(agentWorkerEnv);
export type AgentWorkerEnv = z.infer<typeof agentWorkerEnvSchema>;
