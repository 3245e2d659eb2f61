import './http/augment.js';
import { createHash, randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from '@voxie/config';
import type { Database } from '@voxie/db';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  LogController,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { Redis } from 'ioredis';
import { hasScope } from './auth/caller.js';
import type { ControlApiEnv } from './env.js';
import { ApiError } from './errors.js';
import { registerErrorHandler } from './plugins/error-handler.js';
import { agentRoutes } from './routes/agents.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { dispatchRoutes } from './routes/dispatches.js';
import { healthRoutes } from './routes/health.js';
import { roomRoutes } from './routes/rooms.js';
import { sessionRoutes } from './routes/sessions.js';
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
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app, (code) => services.metrics.errors.inc({ code }));

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/v1/') && route.config?.scope === undefined) {
      throw new Error(`route ${route.method} ${route.url} declares no scope`);
    }
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route };
    services.metrics.requests.inc({ ...labels, status_code: String(reply.statusCode) });
    services.metrics.requestDuration.observe(labels, reply.elapsedTime / 1000);
    request.log.info(
      { req: request, res: reply, ms: Math.round(reply.elapsedTime) },
      'request completed',
    );
  });

  const origins = parseOrigins(deps.env.CORS_ORIGINS);
  if (origins !== false) {
    await app.register(cors, { origin: origins, exposedHeaders: ['x-request-id'], maxAge: 600 });
  }

  const redis = deps.env.REDIS_URL
    ? new Redis(deps.env.REDIS_URL, {
        lazyConnect: false,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
      })
    : undefined;
  redis?.on('error', (error) =>
    deps.logger.warn({ err: error }, 'redis error; rate limits fail open'),
  );
  if (redis) app.addHook('onClose', async () => void redis.disconnect());
  await app.register(rateLimit, {
    max: deps.env.RATE_LIMIT_MAX,
    timeWindow: deps.env.RATE_LIMIT_WINDOW_MS,
    redis,
    nameSpace: 'voxie-rl:',
    skipOnError: true,
    keyGenerator: rateLimitKey,
    allowList: (request) => request.routeOptions.config?.scope === 'public',
    errorResponseBuilder: (_request, context) =>
      Object.assign(
        new ApiError(
          'rate_limited',
          `rate limit exceeded: ${context.max} requests per ${context.after}`,
        ),
        {
          statusCode: 429,
        },
      ),
  });

  // Runs after the rate limiter, so failed attempts count against the credential too.
  app.addHook('onRequest', async (request) => {
    const scope = request.routeOptions.config?.scope;
    if (scope === undefined || scope === 'public') return;
    const caller = await services.authenticator.authenticate(request.headers.authorization);
    if (!hasScope(caller, scope)) {
      throw new ApiError('forbidden', `this credential lacks the "${scope}" scope`);
    }
    request.caller = caller;
  });

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
  return app;
}

export type { AppServices };

/** Rate-limit bucket: the credential (hashed: never store it) or, without one, the client address. */
function rateLimitKey(request: FastifyRequest): string {
  const auth = request.headers.authorization;
  if (!auth) return `ip:${request.ip}`;
  return `cred:${createHash('sha256').update(auth).digest('base64url').slice(0, 22)}`;
}

function parseOrigins(value: string | undefined): false | true | string[] {
  if (!value) return false;
  if (value.trim() === '*') return true;
  return value
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}
