import {
  DiagnoseRequest,
  DiagnoseResult,
  diagnoseLog,
  RouteRequest,
  RouteResult,
  routeRequest,
} from '@voxie/livekit-expert';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponses } from '../http/schemas.js';
import type { RouteOptions } from './plugin-options.js';

const errors = errorResponses(400, 401, 403);

/** The LiveKit expert: route a question to its LiveKit domains, diagnose log lines. */
export async function expertRoutes(
  fastify: FastifyInstance,
  _options: RouteOptions,
): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'agents:read' as const };

  app.post(
    '/route',
    {
      config,
      schema: {
        summary: 'Classify a LiveKit question into domains, with the QA-gate checklists for them',
        tags: ['expert'],
        body: RouteRequest,
        response: { 200: RouteResult, ...errors },
      },
    },
    async (request) => routeRequest(request.body.text),
  );

  app.post(
    '/diagnose',
    {
      config,
      bodyLimit: 2 * 1_048_576,
      schema: {
        summary: 'Match log lines against the LiveKit error-pattern library, best match first',
        tags: ['expert'],
        body: DiagnoseRequest,
        response: { 200: DiagnoseResult, ...errors },
      },
    },
    async (request) => diagnoseLog(request.body.log, { limit: request.body.limit }),
  );
}
