import type { ApiKey } from '@voxie/db';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { generateApiKey } from '../auth/api-key-secrets.js';
import { Scope } from '../auth/scopes.js';
import { notFound } from '../errors.js';
import { callerOf } from '../http/caller.js';
import { errorResponses, IdParams, iso } from '../http/schemas.js';
import type { RouteOptions } from './plugin-options.js';

const KeyBody = z.object({
  id: z.uuid(),
  ownerId: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

const OwnerQuery = z.object({ ownerId: z.uuid({ message: 'must be a UUID' }).optional() });
const errors = errorResponses(400, 401, 403, 404);

/** API keys (admin): created for an owner, shown once, stored hashed, revocable. */
export async function apiKeyRoutes(
  fastify: FastifyInstance,
  { services }: RouteOptions,
): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'admin' as const };
  const { apiKeys, apiKeyAuth } = services;

  app.post(
    '',
    {
      config,
      schema: {
        summary: 'Create an API key; the key is in this response only',
        tags: ['api-keys'],
        body: z.object({
          name: z.string().trim().min(1).max(100),
          scopes: z.array(Scope).min(1),
          ownerId: z.uuid({ message: 'must be a UUID' }).optional(),
          expiresAt: z.iso.datetime({ offset: true }).optional(),
        }),
        response: { 201: KeyBody.extend({ key: z.string() }), ...errors },
      },
    },
    async (request, reply) => {
      const { key, prefix, hash } = generateApiKey();
      const row = await apiKeys.create({
        ownerId: request.body.ownerId ?? callerOf(request).ownerId,
        name: request.body.name,
        prefix,
        keyHash: hash,
        scopes: [...new Set(request.body.scopes)],
        expiresAt: request.body.expiresAt ? new Date(request.body.expiresAt) : undefined,
      });
      return reply.status(201).send({ ...toKeyBody(row), key });
    },
  );

  app.get(
    '',
    {
      config,
      schema: {
        summary: "List an owner's API keys (default: the caller's)",
        tags: ['api-keys'],
        querystring: OwnerQuery,
        response: { 200: z.object({ items: z.array(KeyBody) }), ...errors },
      },
    },
    async (request) => ({
      items: (await apiKeys.list(request.query.ownerId ?? callerOf(request).ownerId)).map(
        toKeyBody,
      ),
    }),
  );

  app.delete(
    '/:id',
    {
      config,
      schema: {
        summary: 'Revoke an API key',
        tags: ['api-keys'],
        params: IdParams,
        querystring: OwnerQuery,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const ownerId = request.query.ownerId ?? callerOf(request).ownerId;
      if (!(await apiKeys.revoke(ownerId, request.params.id))) throw notFound('active API key');
      apiKeyAuth.forget(request.params.id);
      return reply.status(204).send(null);
    },
  );
}

function toKeyBody(key: ApiKey): z.infer<typeof KeyBody> {
  return {
    id: key.id,
    ownerId: key.ownerId,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdAt: iso(key.createdAt) ?? '',
    expiresAt: iso(key.expiresAt),
    revokedAt: iso(key.revokedAt),
  };
}
