import type { FastifyInstance } from 'fastify';
import { probeLivekit } from '../livekit/probe.js';
import type { RouteOptions } from './plugin-options.js';

/**
 * Liveness, readiness and Prometheus metrics. Readiness needs the database (nothing works
 * without it); LiveKit reachability is reported as `degraded` so agent management keeps working
 * while LiveKit is away.
 */
export async function healthRoutes(
  app: FastifyInstance,
  { services }: RouteOptions,
): Promise<void> {
  const config = { scope: 'public' as const };

  app.get('/healthz', { config, schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config, schema: { hide: true } }, async (_request, reply) => {
    const [database, livekit] = await Promise.all([
      checkDatabase(),
      probeLivekit(services.env.LIVEKIT_URL, 1_000),
    ]);
    const status = !database.ok ? 'unavailable' : livekit.reachable ? 'ok' : 'degraded';
    return reply.status(database.ok ? 200 : 503).send({
      status,
      checks: {
        database: database,
        livekit: { ok: livekit.reachable, detail: livekit.detail },
      },
    });
  });

  app.get('/metrics', { config, schema: { hide: true } }, async (_request, reply) => {
    reply.type(services.metrics.registry.contentType);
    return services.metrics.registry.metrics();
  });

  async function checkDatabase(): Promise<{ ok: boolean; detail: string }> {
    try {
      await Promise.race([
        services.database.ping(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('timed out after 2 s')), 2_000).unref(),
        ),
      ]);
      return { ok: true, detail: services.database.kind };
    } catch (error) {
      return {
        ok: false,
        detail: error instanceof Error ? (error.message.split('\n')[0] ?? 'failed') : 'failed',
      };
    }
  }
}
