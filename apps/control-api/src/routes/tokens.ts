import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../errors.js';
import { errorResponses, RoomNameString } from '../http/schemas.js';
import type { RouteOptions } from './plugin-options.js';

/** Grants an admin may put in a token: joining one room and what to do in it. Nothing server-wide. */
const AllowedGrants = z
  .strictObject({
    roomJoin: z.boolean().default(true),
    canPublish: z.boolean().optional(),
    canSubscribe: z.boolean().optional(),
    canPublishData: z.boolean().optional(),
    canPublishSources: z
      .array(z.enum(['camera', 'microphone', 'screen_share', 'screen_share_audio']))
      .optional(),
    canUpdateOwnMetadata: z.boolean().optional(),
    hidden: z.boolean().optional(),
  })
  .default({ roomJoin: true });

/** Grants that reach beyond one participant in one room; refused by policy. */
const REFUSED_GRANTS = [
  'roomCreate',
  'roomList',
  'roomAdmin',
  'roomRecord',
  'ingressAdmin',
  'recorder',
  'agent',
  'destinationRoom',
];

export async function tokenRoutes(
  fastify: FastifyInstance,
  { services }: RouteOptions,
): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { env, minter, metrics } = services;

  app.post(
    '',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Mint a LiveKit access token for one room (admin)',
        description: `Only room-level grants are allowed; ${REFUSED_GRANTS.join(', ')} are refused.`,
        tags: ['tokens'],
        body: z.object({
          room: RoomNameString,
          identity: z.string().trim().min(1).max(128),
          name: z.string().max(128).optional(),
          metadata: z.string().max(4096).optional(),
          attributes: z.record(z.string().max(128), z.string().max(1024)).optional(),
          ttlSeconds: z.number().int().min(60).max(env.TOKEN_MAX_TTL_SECONDS).optional(),
          grants: z.record(z.string(), z.unknown()).default({}),
        }),
        response: {
          201: z.object({
            token: z.string(),
            expiresAt: z.string(),
            identity: z.string(),
            room: z.string(),
          }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const refused = Object.keys(body.grants).filter(
        (grant) => REFUSED_GRANTS.includes(grant) || grant === 'room',
      );
      if (refused.length > 0) {
        const issues = refused.map((grant) => ({
          path: `body.grants.${grant}`,
          message:
            grant === 'room'
              ? 'set the room with the top-level "room" field'
              : 'not allowed by token policy',
        }));
        throw new ApiError('invalid_request', `grants beyond policy: ${refused.join(', ')}`, {
          issues,
        });
      }
      const grants = AllowedGrants.safeParse(body.grants);
      if (!grants.success) {
        const issues = grants.error.issues.map((issue) => ({
          path: ['body', 'grants', ...issue.path.map(String)].join('.'),
          message: issue.message,
        }));
        throw new ApiError(
          'invalid_request',
          `invalid grants: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          { issues },
        );
      }
      const minted = minter.mint({
        identity: body.identity,
        name: body.name,
        metadata: body.metadata,
        attributes: body.attributes,
        ttlSeconds: body.ttlSeconds ?? env.SESSION_TOKEN_TTL_SECONDS,
        grants: { room: body.room, ...grants.data },
      });
      metrics.tokensMinted.inc({ purpose: 'admin' });
      return reply.status(201).send({
        token: minted.token,
        expiresAt: minted.expiresAt.toISOString(),
        identity: body.identity,
        room: body.room,
      });
    },
  );
}
