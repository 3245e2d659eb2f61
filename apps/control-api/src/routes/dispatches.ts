import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AgentDispatch } from 'livekit-server-sdk';
import { z } from 'zod';
import { errorResponses, RoomNameString } from '../http/schemas.js';
import type { RouteOptions } from './plugin-options.js';

const DispatchBody = z.object({
  id: z.string(),
  room: z.string(),
  agentName: z.string(),
  metadata: z.string(),
});

const AgentName = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.-]+$/, { message: 'may contain letters, digits and _ . - only' });

const errors = errorResponses(400, 401, 403, 404, 502, 503);

/**
 * Explicit agent dispatches (admin). LiveKit adds a second agent when asked to dispatch the same
 * agent twice, so creating is idempotent here: under a lock shared by every API replica, an
 * existing dispatch of that agent into that room is returned instead of adding another.
 */
export async function dispatchRoutes(
  fastify: FastifyInstance,
  { services }: RouteOptions,
): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'admin' as const };
  const { livekit, database } = services;

  app.post(
    '',
    {
      config,
      schema: {
        summary: 'Dispatch an agent into a room, once (admin)',
        tags: ['dispatches'],
        body: z.object({
          room: RoomNameString,
          agentName: AgentName,
          metadata: z.string().max(65_536).optional(),
        }),
        response: {
          200: DispatchBody.extend({ created: z.boolean() }),
          201: DispatchBody.extend({ created: z.boolean() }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { room, agentName, metadata } = request.body;
      const result = await database.withLock(`dispatch:${room}:${agentName}`, async () => {
        const existing = await livekit.findDispatch(room, agentName);
        if (existing) return { dispatch: existing, created: false };
        return { dispatch: await livekit.createDispatch(room, agentName, metadata), created: true };
      });
      return reply
        .status(result.created ? 201 : 200)
        .send({ ...toDispatchBody(result.dispatch), created: result.created });
    },
  );

  app.get(
    '',
    {
      config,
      schema: {
        summary: 'List the dispatches of a room (admin)',
        tags: ['dispatches'],
        querystring: z.object({ room: RoomNameString }),
        response: { 200: z.object({ items: z.array(DispatchBody) }), ...errors },
      },
    },
    async (request) => ({
      items: (await livekit.listDispatches(request.query.room)).map(toDispatchBody),
    }),
  );

  app.delete(
    '/:id',
    {
      config,
      schema: {
        summary: 'Remove a dispatch (admin)',
        tags: ['dispatches'],
        params: z.object({ id: z.string().min(1).max(128) }),
        querystring: z.object({ room: RoomNameString }),
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await livekit.deleteDispatch(request.params.id, request.query.room);
      return reply.status(204).send(null);
    },
  );
}

function toDispatchBody(dispatch: AgentDispatch): z.infer<typeof DispatchBody> {
  return {
    id: dispatch.id,
    room: dispatch.room,
    agentName: dispatch.agentName,
    metadata: dispatch.metadata,
  };
}
