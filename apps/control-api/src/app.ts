import './http/augment.js';
import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from '@voxie/config';
import type { Database } from '@voxie/db';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import { Redis } from 'ioredis';
import type { ControlApiEnv } from './env.js';
import { zodParseSerializerCompiler } from './http/zod-serializer.js';
import { registerErrorHandler } from './plugins/error-handler.js';
import { createGuard } from './plugins/guard.js';
import { RateLimiter } from './plugins/rate-limiter.js';
import { agentRoutes } from './routes/agents.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { dispatchRoutes } from './routes/dispatches.js';
import { expertRoutes } from './routes/expert.js';
import { healthRoutes } from './routes/health.js';
import { roomRoutes } from './routes/rooms.js';
import { sessionRoutes } from './routes/sessions.js';
import { simulationRoutes } from './routes/simulations.js';
import { tokenRoutes } from './routes/tokens.js';
import { webhookRoutes } from './routes/webhooks.js';
import { type AppServices, createServices } from './services.js';

export interface AppDependencies {
  env: ControlApiEnv;
  database: Database;
  logger: Logger;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Composes the Fastify app from its plugins and routes. `server.ts` boots it. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const services = createServices(deps.env, deps.database, deps.logger);
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; only the generic parameters differ.
    loggerInstance: deps.logger as FastifyBaseLogger,
    // One access-log line per request comes from the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1_048_576,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(zodParseSerializerCompiler);
  registerErrorHandler(
    app,
    (code) => services.metrics.errors.inc({ code }),
    (method) => services.metrics.requests.inc({ method, route: 'unmatched', status_code: '404' }),
  );

  const redis = deps.env.REDIS_URL
    ? new Redis(deps.env.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false })
    : undefined;
  redis?.on('error', (error) =>
    deps.logger.warn({ err: error }, 'redis error; rate limits fail open'),
  );
  const limiter = new RateLimiter(
    deps.env.RATE_LIMIT_MAX,
    deps.env.RATE_LIMIT_WINDOW_MS,
    redis,
    (error) => deps.logger.warn({ err: error }, 'rate limit check failed; allowing the request'),
  );
  app.addHook('onClose', async () => {
    limiter.close();
    redis?.disconnect();
  });

  // Per-route hooks, bound once here: each route's scope and URL are known without looking
  // them up on every request.
  app.addHook('onRoute', (route) => {
    const scope = route.config?.scope;
    if (route.url.startsWith('/v1/') && scope === undefined) {
      throw new Error(`route ${route.method} ${route.url} declares no scope`);
    }
    if (scope !== undefined && scope !== 'public') {
      route.onRequest = [
        createGuard(scope, services.authenticator, limiter),
        ...asArray(route.onRequest),
      ];
    }
    const methods = new Map<string, ReturnType<typeof services.metrics.forRoute>>();
    route.onResponse = [
      ...asArray(route.onResponse),
      (request, reply, done) => {
        let metrics = methods.get(request.method);
        if (!metrics) {
          metrics = services.metrics.forRoute(request.method, route.url);
          methods.set(request.method, metrics);
        }
        metrics.observe(reply.statusCode, reply.elapsedTime / 1000);
        request.log.info(
          { req: request, res: reply, ms: Math.round(reply.elapsedTime) },
          'request completed',
        );
        done();
      },
    ];
  });
  // Once shutdown starts, in-flight responses close their connection, so keep-alive clients
  // do not hold the server open until the grace period runs out.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  const origins = parseOrigins(deps.env.CORS_ORIGINS);
  if (origins !== false) {
    await app.register(cors, {
      origin: origins,
      exposedHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    });
  }

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Voxie control API',
        version: '1.0.0',
        description: 'Agents, sessions, tokens and LiveKit webhooks.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes, { services });
  await app.register(webhookRoutes, { services });
  await app.register(agentRoutes, { services, prefix: '/v1/agents' });
  await app.register(sessionRoutes, { services, prefix: '/v1' });
  await app.register(tokenRoutes, { services, prefix: '/v1/tokens' });
  await app.register(roomRoutes, { services, prefix: '/v1/rooms' });
  await app.register(dispatchRoutes, { services, prefix: '/v1/dispatches' });
  await app.register(apiKeyRoutes, { services, prefix: '/v1/api-keys' });
  await app.register(expertRoutes, { services, prefix: '/v1/expert' });
  await app.register(simulationRoutes, { services, prefix: '/v1/simulations' });
  return app;
}

export type { AppServices };

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function parseOrigins(value: string | undefined): false | true | string[] {
  if (!value) return false;
  if (value.trim() === '*') return true;
  return value
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}
