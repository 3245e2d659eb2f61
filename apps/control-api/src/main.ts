import { existsSync } from 'node:fs';
import { ConfigError } from '@voxie/config';
import { loadControlApiEnv } from './env.js';
import { startServer } from './server.js';

/** Process entry point: parse env, boot, stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  // Operators may keep settings in ./.env; real environment variables win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  let env: ReturnType<typeof loadControlApiEnv>;
  try {
    env = loadControlApiEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`control-api: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const server = await startServer(env);
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, 'shutting down');
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        server.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`control-api: failed to start: ${message}\n`);
  process.exit(1);
});
