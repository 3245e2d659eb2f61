import { randomUUID } from 'node:crypto';
import {
  type DispatchMetadata,
  formatAgentRoomName,
  formatVoxieCreationRoomName,
} from '@voxie/config';
import type { Session } from '@voxie/db';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Caller } from '../auth/caller.js';
import { ApiError, notFound } from '../errors.js';
import { callerOf } from '../http/caller.js';
import { errorResponses, IdParams, iso, PageInfo, PageQuery } from '../http/schemas.js';
import { callerGrants } from '../livekit/session-grants.js';
import type { RouteOptions } from './plugin-options.js';

/** Agent names the workers register with (explicit dispatch). */
export const SPAWNER_AGENT_NAME = 'spawner';
export const VOXIE_AGENT_NAME = 'voxie';
/** Participant attribute carrying the owner a Voxie session creates agents for. */
export const VOXIE_OWNER_ATTRIBUTE = 'voxie.owner_id';

const ParticipantName = z.string().trim().min(1).max(128).optional();

const JoinResponse = z.object({
  sessionId: z.uuid(),
  roomName: z.string(),
  url: z.string(),
  token: z.string(),
  expiresAt: z.string(),
});

const SessionBody = z.object({
  id: z.uuid(),
  kind: z.enum(['agent', 'voxie', 'simulation']),
  agentId: z.uuid().nullable(),
  agentVersionId: z.uuid().nullable(),
  roomName: z.string(),
  status: z.enum(['created', 'active', 'ended', 'failed']),
  participantCount: z.number().int(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  endReason: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  recordingUrl: z.string().nullable(),
  usage: z.unknown(),
  metrics: z.unknown(),
});

const TranscriptItemBody = z.object({
  seq: z.number().int(),
  type: z.string(),
  role: z.string().nullable(),
  content: z.unknown(),
  createdAt: z.string(),
});

const errors = errorResponses(400, 401, 403, 404, 409, 502, 503);

export async function sessionRoutes(
  fastify: FastifyInstance,
  { services }: RouteOptions,
): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { env, agents, sessions, transcripts, livekit, minter, metrics } = services;
  const publicUrl = env.LIVEKIT_PUBLIC_URL ?? env.LIVEKIT_URL;

  app.post(
    '/sessions',
    {
      config: { scope: 'sessions:create' },
      schema: {
        summary: 'Start a conversation with a published agent',
        description:
          'Creates room agent-{agentId}-{suffix} with an explicit dispatch to the spawner and returns a token to join it.',
        tags: ['sessions'],
        body: z.object({
          agentId: z.uuid({ message: 'must be a UUID' }),
          participantName: ParticipantName,
        }),
        response: { 201: JoinResponse, ...errors },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const agent = await agents.get(caller.ownerId, request.body.agentId);
      if (!agent) throw notFound('agent');
      if (agent.status === 'archived') throw new ApiError('conflict', 'agent is archived');
      if (!agent.publishedVersionId)
        throw new ApiError('conflict', 'agent has no published version; publish it first');

      const roomName = formatAgentRoomName(agent.id);
      const metadata: DispatchMetadata = {
        agentId: agent.id,
        versionId: agent.publishedVersionId,
        ownerId: caller.ownerId,
      };
      const joined = await startSession(caller, {
        kind: 'agent',
        roomName,
        agentId: agent.id,
        agentVersionId: agent.publishedVersionId,
        agentName: SPAWNER_AGENT_NAME,
        metadata,
        participantName: request.body.participantName,
      });
      return reply.status(201).send(joined);
    },
  );

  app.post(
    '/voxie/sessions',
    {
      config: { scope: 'agents:write' },
      schema: {
        summary: 'Talk to Voxie to create (or edit) an agent',
        description:
          'Creates room voxie-creation-{suffix} with an explicit dispatch to the voxie worker; the owner travels in dispatch metadata and participant attributes.',
        tags: ['sessions'],
        body: z
          .object({
            participantName: ParticipantName,
            agentId: z.uuid({ message: 'must be a UUID' }).optional(),
          })
          .default({}),
        response: { 201: JoinResponse, ...errors },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const editing = request.body.agentId;
      if (editing && !(await agents.get(caller.ownerId, editing))) throw notFound('agent');
      const joined = await startSession(caller, {
        kind: 'voxie',
        roomName: formatVoxieCreationRoomName(),
        agentId: editing,
        agentName: VOXIE_AGENT_NAME,
        metadata: { ownerId: caller.ownerId, ...(editing ? { agentId: editing } : {}) },
        participantName: request.body.participantName,
        attributes: { [VOXIE_OWNER_ATTRIBUTE]: caller.ownerId },
      });
      return reply.status(201).send(joined);
    },
  );

  app.get(
    '/sessions',
    {
      config: { scope: 'agents:read' },
      schema: {
        summary: "List the caller's sessions, newest first",
        tags: ['sessions'],
        querystring: PageQuery.extend({
          agentId: z.uuid({ message: 'must be a UUID' }).optional(),
          status: z.enum(['created', 'active', 'ended', 'failed']).optional(),
          kind: z.enum(['agent', 'voxie', 'simulation']).optional(),
        }),
        response: { 200: PageInfo.extend({ items: z.array(SessionBody) }), ...errors },
      },
    },
    async (request) => {
      const page = await sessions.list(callerOf(request).ownerId, request.query);
      return { items: page.items.map(toSessionBody), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/sessions/:id',
    {
      config: { scope: 'agents:read' },
      schema: {
        summary: 'A session with its status, timing, transcript and metrics',
        tags: ['sessions'],
        params: IdParams,
        response: {
          200: SessionBody.extend({ transcript: z.array(TranscriptItemBody) }),
          ...errors,
        },
      },
    },
    async (request) => {
      const ownerId = callerOf(request).ownerId;
      const session = await sessions.get(ownerId, request.params.id);
      if (!session) throw notFound('session');
      const items = await transcripts.list(ownerId, session.id);
      return {
        ...toSessionBody(session),
        transcript: items.map((item) => ({
          seq: item.seq,
          type: item.type,
          role: item.role,
          content: item.content,
          createdAt: iso(item.createdAt) ?? '',
        })),
      };
    },
  );

  interface StartSession {
    kind: Session['kind'];
    roomName: string;
    agentId?: string;
    agentVersionId?: string;
    agentName: string;
    metadata: DispatchMetadata;
    participantName?: string;
    attributes?: Record<string, string>;
  }

  /**
   * Records the session, then creates its room with the agent dispatched. If LiveKit fails the
   * row is removed again, so no session exists without a room.
   */
  async function startSession(
    caller: Caller,
    input: StartSession,
  ): Promise<z.infer<typeof JoinResponse>> {
    const sessionId = randomUUID();
    await sessions.create({
      id: sessionId,
      ownerId: caller.ownerId,
      kind: input.kind,
      roomName: input.roomName,
      agentId: input.agentId,
      agentVersionId: input.agentVersionId,
    });
    try {
      await livekit.createRoomWithAgent({
        roomName: input.roomName,
        agentName: input.agentName,
        dispatchMetadata: JSON.stringify({ ...input.metadata, sessionId }),
        emptyTimeoutSeconds: env.ROOM_EMPTY_TIMEOUT_SECONDS,
      });
    } catch (error) {
      await sessions.delete(caller.ownerId, sessionId);
      throw error;
    }
    const minted = minter.mint({
      identity: caller.identity,
      name: input.participantName,
      ttlSeconds: env.SESSION_TOKEN_TTL_SECONDS,
      grants: callerGrants(input.roomName),
      attributes: input.attributes,
    });
    metrics.tokensMinted.inc({ purpose: input.kind });
    return {
      sessionId,
      roomName: input.roomName,
      url: publicUrl,
      token: minted.token,
      expiresAt: minted.expiresAt.toISOString(),
    };
  }
}

function toSessionBody(session: Session): z.infer<typeof SessionBody> {
  const durationSeconds =
    session.startedAt && session.endedAt
      ? (session.endedAt.getTime() - session.startedAt.getTime()) / 1000
      : null;
  return {
    id: session.id,
    kind: session.kind,
    agentId: session.agentId,
    agentVersionId: session.agentVersionId,
    roomName: session.roomName,
    status: session.status,
    participantCount: session.participantCount,
    createdAt: iso(session.createdAt) ?? '',
    startedAt: iso(session.startedAt),
    endedAt: iso(session.endedAt),
    endReason: session.endReason,
    durationSeconds,
    recordingUrl: session.recordingUrl,
    usage: session.usage,
    metrics: session.metrics,
  };
}
