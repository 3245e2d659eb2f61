import { join } from 'node:path';
import { createLogger, type Logger } from '@voxie/config';
import { createDatabase, type Database, migrateDatabase } from '@voxie/db';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { ControlApiEnv } from './env.js';
import { findMissingServices } from './startup/external-services.js';
import { seedDemoAgent } from './startup/seed-demo-agent.js';

export interface RunningServer {
  app: FastifyInstance;
  database: Database;
  logger: Logger;
  /** Base URL the server listens on, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Stops taking requests, lets in-flight ones finish, closes the database. */
  stop(): Promise<void>;
}

/** Opens the database the environment names (PGlite under VOXIE_DATA_DIR when no DATABASE_URL). */
export function openDatabase(env: ControlApiEnv): Promise<Database> {
  return createDatabase({
    url: env.DATABASE_URL,
    dataDir: join(env.VOXIE_DATA_DIR, 'pglite'),
    poolMax: env.DATABASE_POOL_MAX,
  });
}

/**
 * Boots the control API: database opened and migrated, demo agent seeded in development,
 * HTTP listening, and a report of which external services are missing and how to add them.
 */
export async function startServer(env: ControlApiEnv, logger?: Logger): Promise<RunningServer> {
  const log = logger ?? createLogger({ name: 'control-api', level: env.LOG_LEVEL });
  const database = await openDatabase(env);
  try {
    await migrateDatabase(database);
    log.info({ database: database.location, kind: database.kind }, 'database ready');
    if (env.NODE_ENV === 'development') {
      const { agent, created } = await seedDemoAgent(database.db);
      log.info({ agentId: agent.id, agentName: agent.name, created }, 'demo agent available');
    }
  } catch (error) {
    await database.close();
    throw error;
  }

  const app = await buildApp({ env, database, logger: log });
  let address: string;
  try {
    address = await app.listen({ port: env.PORT, host: env.HOST });
  } catch (error) {
    await app.close();
    await database.close();
    throw error;
  }
  const url = address.replace('0.0.0.0', '127.0.0.1');
  log.info({ url, health: `${url}/healthz` }, 'control API listening');

  for (const missing of await findMissingServices(env)) {
    log.warn({ service: missing.service, fix: missing.fix }, `not connected: ${missing.problem}`);
  }

  return {
    app,
    database,
    logger: log,
    url,
    async stop() {
      // Stop accepting, let in-flight requests finish; past the grace period, cut them off.
      const timer = setTimeout(() => {
        log.warn(
          { graceMs: env.SHUTDOWN_GRACE_MS },
          'shutdown grace period over; closing open connections',
        );
        app.server.closeAllConnections();
      }, env.SHUTDOWN_GRACE_MS);
      try {
        await app.close();
      } finally {
        clearTimeout(timer);
        await database.close();
      }
    },
  };
}
