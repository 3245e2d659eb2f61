import type { FastifyInstance } from 'fastify';

/** Liveness: the process is up and serving HTTP. Needs nothing else to be healthy. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
}
