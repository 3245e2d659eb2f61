import type { Logger } from '@voxie/config';
import type { Database } from '@voxie/db';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ControlApiEnv } from './env.js';
import { healthRoutes } from './routes/health.js';

export interface AppDependencies {
  env: ControlApiEnv;
  database: Database;
  logger: Logger;
}

/** Composes the Fastify app from its plugins and routes. `server.ts` boots it. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  // pino's Logger is a FastifyBaseLogger; only the generic parameters differ.
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger });
  await app.register(healthRoutes);
  return app;
}
