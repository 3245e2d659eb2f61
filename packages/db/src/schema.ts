import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * Voxie's tables. Every row that belongs to someone carries `owner_id` (a Supabase auth user id
 * or the owner an API key acts for); repositories scope every query by it, and migration
 * 0001 adds row-level-security policies for direct Supabase access.
 */

const createdAt = () =>
  timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow();

export const agents = pgTable(
  'agents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** Working copy of the definition; publishing snapshots it into agent_versions. */
    draft: jsonb('draft').notNull(),
    /** Version callers get; null until first published. Rollback points it at an older one. */
    publishedVersionId: uuid('published_version_id').references(
      (): AnyPgColumn => agentVersions.id,
      {
        onDelete: 'set null',
      },
    ),
    status: text('status', { enum: ['active', 'archived'] })
      .notNull()
      .default('active'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index('agents_owner_created_idx').on(t.ownerId, t.createdAt.desc(), t.id.desc()),
    index('agents_owner_name_idx').on(t.ownerId, sql`lower(${t.name})`),
    check('agents_status_check', sql`${t.status} in ('active', 'archived')`),
  ],
);

/** Immutable published definitions (an UPDATE trigger rejects changes). */
export const agentVersions = pgTable(
  'agent_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    agentId: uuid('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    ownerId: uuid('owner_id').notNull(),
    version: integer('version').notNull(),
    definition: jsonb('definition').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('agent_versions_agent_version_idx').on(t.agentId, t.version)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id').notNull(),
    kind: text('kind', { enum: ['agent', 'voxie', 'simulation'] }).notNull(),
    agentId: uuid('agent_id').references(() => agents.id, { onDelete: 'set null' }),
    agentVersionId: uuid('agent_version_id').references(() => agentVersions.id, {
      onDelete: 'set null',
    }),
    roomName: text('room_name').notNull(),
    status: text('status', { enum: ['created', 'active', 'ended', 'failed'] })
      .notNull()
      .default('created'),
    participantCount: integer('participant_count').notNull().default(0),
    /** Number of transcript items; the next item gets this as its `seq`. */
    transcriptLength: integer('transcript_length').notNull().default(0),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true, precision: 3 }),
    endedAt: timestamp('ended_at', { withTimezone: true, precision: 3 }),
    endReason: text('end_reason'),
    recordingUrl: text('recording_url'),
    usage: jsonb('usage'),
    metrics: jsonb('metrics'),
  },
  (t) => [
    uniqueIndex('sessions_room_name_idx').on(t.roomName),
    index('sessions_owner_created_idx').on(t.ownerId, t.createdAt.desc(), t.id.desc()),
    index('sessions_agent_created_idx').on(t.agentId, t.createdAt.desc()),
    check('sessions_status_check', sql`${t.status} in ('created', 'active', 'ended', 'failed')`),
    check('sessions_kind_check', sql`${t.kind} in ('agent', 'voxie', 'simulation')`),
  ],
);

/** Conversation items in order: `seq` runs 0, 1, 2... without gaps per session. */
export const transcriptItems = pgTable(
  'transcript_items',
  {
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    ownerId: uuid('owner_id').notNull(),
    type: text('type', {
      enum: ['message', 'function_call', 'function_call_output', 'agent_handoff'],
    }).notNull(),
    role: text('role', { enum: ['user', 'assistant', 'system', 'developer'] }),
    content: jsonb('content').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.seq] })],
);

/** LiveKit webhook events, keyed by the event id so a redelivery is a no-op. */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: text('id').primaryKey(),
    event: text('event').notNull(),
    roomName: text('room_name'),
    /** When LiveKit says the event happened. */
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, precision: 3 })
      .notNull()
      .defaultNow(),
    payload: jsonb('payload').notNull(),
  },
  (t) => [index('webhook_events_room_idx').on(t.roomName, t.occurredAt)],
);

export const simulations = pgTable(
  'simulations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id').notNull(),
    agentId: uuid('agent_id').references(() => agents.id, { onDelete: 'set null' }),
    agentVersionId: uuid('agent_version_id').references(() => agentVersions.id, {
      onDelete: 'set null',
    }),
    mode: text('mode', { enum: ['text', 'room'] }).notNull(),
    status: text('status', { enum: ['queued', 'running', 'completed', 'failed', 'cancelled'] })
      .notNull()
      .default('queued'),
    /** Scenarios, personas, run count, judge settings as submitted. */
    config: jsonb('config').notNull(),
    summary: jsonb('summary'),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true, precision: 3 }),
    finishedAt: timestamp('finished_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [index('simulations_owner_created_idx').on(t.ownerId, t.createdAt.desc(), t.id.desc())],
);

export const simulationRuns = pgTable(
  'simulation_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    simulationId: uuid('simulation_id')
      .notNull()
      .references(() => simulations.id, { onDelete: 'cascade' }),
    ownerId: uuid('owner_id').notNull(),
    runIndex: integer('run_index').notNull(),
    scenario: text('scenario').notNull(),
    persona: text('persona').notNull(),
    status: text('status', { enum: ['queued', 'running', 'passed', 'failed', 'error'] })
      .notNull()
      .default('queued'),
    passed: boolean('passed'),
    verdicts: jsonb('verdicts'),
    metrics: jsonb('metrics'),
    /** The session whose transcript_items hold this run's conversation. */
    sessionId: uuid('session_id').references(() => sessions.id, { onDelete: 'set null' }),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true, precision: 3 }),
    finishedAt: timestamp('finished_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [uniqueIndex('simulation_runs_simulation_run_idx').on(t.simulationId, t.runIndex)],
);

/** API keys are stored as SHA-256 hashes; `prefix` is the part safe to show again. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id').notNull(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, precision: 3 }),
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [
    uniqueIndex('api_keys_key_hash_idx').on(t.keyHash),
    index('api_keys_owner_idx').on(t.ownerId, t.createdAt.desc()),
  ],
);

/**
 * Voxie's working drafts: the agent a person is building (or editing) in a creation session,
 * saved after every change so a dropped connection loses nothing. `definition` is a partial
 * agent definition; `agent_id` is set once the draft was saved as an agent (or when editing).
 * `session_id` is the creation session that last worked on it (no foreign key: a draft must
 * save even when the session row is missing or already cleaned up).
 */
export const voxieDrafts = pgTable(
  'voxie_drafts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id').notNull(),
    sessionId: uuid('session_id'),
    agentId: uuid('agent_id').references(() => agents.id, { onDelete: 'cascade' }),
    definition: jsonb('definition').notNull(),
    status: text('status', { enum: ['open', 'published', 'discarded'] })
      .notNull()
      .default('open'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index('voxie_drafts_owner_status_updated_idx').on(t.ownerId, t.status, t.updatedAt.desc()),
    index('voxie_drafts_session_idx').on(t.sessionId),
    check('voxie_drafts_status_check', sql`${t.status} in ('open', 'published', 'discarded')`),
  ],
);
