import {
  AgentDefinition,
  checkProviders,
  notifyAgentChanged,
  providerKeysFromEnv,
} from '@voxie/agent-core';
import type { Agent, AgentVersion } from '@voxie/db';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, notFound } from '../errors.js';
import { callerOf } from '../http/caller.js';
import { mergePatch } from '../http/merge-patch.js';
import { errorResponses, IdParams, iso, PageInfo, PageQuery } from '../http/schemas.js';
import type { RouteOptions } from './plugin-options.js';

const AgentBody = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  status: z.enum(['active', 'archived']),
  /** The working draft. */
  definition: z.unknown(),
  /** Version callers get; null until published. */
  publishedVersion: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const VersionBody = z.object({
  agentId: z.uuid(),
  version: z.number().int(),
  definition: z.unknown(),
  createdAt: z.string(),
});

const errors = errorResponses(400, 401, 403, 404, 409);

export async function agentRoutes(
  fastify: FastifyInstance,
  { services }: RouteOptions,
): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { agents, database } = services;
  const providerKeys = providerKeysFromEnv(services.env);
  /** Workers cache published definitions; tell them this agent's changed (Postgres NOTIFY). */
  const changed = (agentId: string) => notifyAgentChanged(database, agentId);
  const read = { scope: 'agents:read' as const };
  const write = { scope: 'agents:write' as const };

  app.post(
    '',
    {
      config: write,
      schema: {
        summary: 'Create an agent from a definition (saved as a draft)',
        tags: ['agents'],
        body: z.object({ definition: AgentDefinition }),
        response: { 201: AgentBody, ...errors },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { definition } = request.body;
      const agent = await agents.create({
        ownerId: caller.ownerId,
        name: definition.name,
        description: definition.description,
        draft: definition,
      });
      return reply.status(201).send(toAgentBody(agent));
    },
  );

  app.get(
    '',
    {
      config: read,
      schema: {
        summary: "List the caller's agents, newest first",
        tags: ['agents'],
        querystring: PageQuery.extend({ status: z.enum(['active', 'archived']).optional() }),
        response: { 200: PageInfo.extend({ items: z.array(AgentBody) }), ...errors },
      },
    },
    async (request) => {
      const page = await agents.list(callerOf(request).ownerId, request.query);
      return { items: page.items.map(toAgentBody), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/:id',
    {
      config: read,
      schema: {
        summary: 'Get an agent',
        tags: ['agents'],
        params: IdParams,
        response: { 200: AgentBody, ...errors },
      },
    },
    async (request) => toAgentBody(await ownAgent(callerOf(request).ownerId, request.params.id)),
  );

  app.patch(
    '/:id',
    {
      config: write,
      schema: {
        summary: 'Change the draft (JSON merge patch of the definition)',
        tags: ['agents'],
        params: IdParams,
        body: z.object({ definition: z.record(z.string(), z.unknown()) }),
        response: { 200: AgentBody, ...errors },
      },
    },
    async (request) => {
      const ownerId = callerOf(request).ownerId;
      const current = await ownAgent(ownerId, request.params.id);
      const definition = parseDefinition(mergePatch(current.draft, request.body.definition));
      const updated = await agents.updateDraft(ownerId, current.id, {
        name: definition.name,
        description: definition.description,
        draft: definition,
      });
      return toAgentBody(updated ?? current);
    },
  );

  app.delete(
    '/:id',
    {
      config: write,
      schema: {
        summary: 'Delete an agent and its versions',
        tags: ['agents'],
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      if (!(await agents.delete(callerOf(request).ownerId, request.params.id)))
        throw notFound('agent');
      await changed(request.params.id);
      return reply.status(204).send(null);
    },
  );

  for (const [action, status] of [
    ['archive', 'archived'],
    ['unarchive', 'active'],
  ] as const) {
    app.post(
      `/:id/${action}`,
      {
        config: write,
        schema: {
          summary: `${action === 'archive' ? 'Archive' : 'Restore'} an agent`,
          tags: ['agents'],
          params: IdParams,
          response: { 200: AgentBody, ...errors },
        },
      },
      async (request) => {
        const agent = await agents.setStatus(callerOf(request).ownerId, request.params.id, status);
        if (!agent) throw notFound('agent');
        await changed(agent.id);
        return toAgentBody(agent);
      },
    );
  }

  app.post(
    '/:id/publish',
    {
      config: write,
      schema: {
        summary: 'Publish the draft as a new immutable version',
        tags: ['agents'],
        params: IdParams,
        response: { 201: VersionBody, ...errors },
      },
    },
    async (request, reply) => {
      const ownerId = callerOf(request).ownerId;
      const agent = await ownAgent(ownerId, request.params.id);
      if (agent.status === 'archived')
        throw new ApiError('conflict', 'agent is archived; unarchive it before publishing');
      const definition = parseDefinition(agent.draft);
      const problems = checkProviders(definition, providerKeys);
      if (problems.length > 0) {
        throw new ApiError(
          'unprocessable',
          `this deployment cannot run the agent: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
          { issues: problems.map((p) => ({ path: `definition.${p.path}`, message: p.message })) },
        );
      }
      const version = await agents.publish(ownerId, agent.id, definition);
      if (!version) throw notFound('agent');
      await changed(agent.id);
      return reply.status(201).send(toVersionBody(version));
    },
  );

  app.get(
    '/:id/versions',
    {
      config: read,
      schema: {
        summary: 'List published versions, newest first',
        tags: ['agents'],
        params: IdParams,
        response: { 200: z.object({ items: z.array(VersionBody) }), ...errors },
      },
    },
    async (request) => {
      const versions = await agents.listVersions(callerOf(request).ownerId, request.params.id);
      if (!versions) throw notFound('agent');
      return { items: versions.map(toVersionBody) };
    },
  );

  app.post(
    '/:id/rollback',
    {
      config: write,
      schema: {
        summary: 'Make an earlier version the published one',
        tags: ['agents'],
        params: IdParams,
        body: z.object({ version: z.number().int().min(1) }),
        response: { 200: AgentBody, ...errors },
      },
    },
    async (request) => {
      const ownerId = callerOf(request).ownerId;
      const agent = await ownAgent(ownerId, request.params.id);
      const target = await agents.rollback(ownerId, agent.id, request.body.version);
      if (!target) throw new ApiError('not_found', `agent has no version ${request.body.version}`);
      await changed(agent.id);
      return toAgentBody(await ownAgent(ownerId, agent.id));
    },
  );

  async function ownAgent(ownerId: string, id: string): Promise<Agent> {
    const agent = await agents.get(ownerId, id);
    if (!agent) throw notFound('agent');
    return agent;
  }
}

/** Validates a definition, answering 400 with the path of every problem. */
export function parseDefinition(value: unknown): AgentDefinition {
  const result = AgentDefinition.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: ['definition', ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new ApiError(
    'invalid_request',
    `invalid agent definition: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    { issues },
  );
}

function toAgentBody(agent: Agent): z.infer<typeof AgentBody> {
  return {
    id: agent.id,
    name: agent.name,
    description: agent.description,
    status: agent.status,
    definition: agent.draft,
    publishedVersion: agent.publishedVersion,
    createdAt: iso(agent.createdAt) ?? '',
    updatedAt: iso(agent.updatedAt) ?? '',
  };
}

function toVersionBody(version: AgentVersion): z.infer<typeof VersionBody> {
  return {
    agentId: version.agentId,
    version: version.version,
    definition: version.definition,
    createdAt: iso(version.createdAt) ?? '',
  };
}
