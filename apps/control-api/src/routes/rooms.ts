import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, RoomNameString } from '../http/schemas.js';
import type { RouteOptions } from './plugin-options.js';

const RoomBody = z.object({
  name: z.string(),
  sid: z.string(),
  numParticipants: z.number().int(),
  metadata: z.string(),
  createdAt: z.string().nullable(),
});

const errors = errorResponses(400, 401, 403, 404, 502, 503);

/** Live LiveKit rooms (admin). */
export async function roomRoutes(
  fastify: FastifyInstance,
  { services }: RouteOptions,
): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'admin' as const };

  app.get(
    '',
    {
      config,
      schema: {
        summary: 'List active LiveKit rooms (admin)',
        tags: ['rooms'],
        response: { 200: z.object({ items: z.array(RoomBody) }), ...errors },
      },
    },
    async () => {
      const rooms = await services.livekit.listRooms();
      return {
        items: rooms.map((room) => ({
          name: room.name,
          sid: room.sid,
          numParticipants: room.numParticipants,
          metadata: room.metadata,
          createdAt: room.creationTime
            ? new Date(Number(room.creationTime) * 1000).toISOString()
            : null,
        })),
      };
    },
  );

  app.delete(
    '/:name',
    {
      config,
      schema: {
        summary: 'Close a room, disconnecting everyone in it (admin)',
        tags: ['rooms'],
        params: z.object({ name: RoomNameString }),
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await services.livekit.deleteRoom(request.params.name);
      return reply.status(204).send(null);
    },
  );
}
