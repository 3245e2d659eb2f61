import { type llm, type VAD, voice } from '@livekit/agents';
import type { Room } from '@livekit/rtc-node';
import {
  type AgentDefinition,
  type BuiltAgent,
  buildAgent,
  createDatabaseSink,
  END_CALL_REASON,
  type LoadedAgent,
  type ProviderRegistry,
  type SecretResolver,
  type SessionMode,
  SessionRecorder,
} from '@voxie/agent-core';
import type { Logger } from '@voxie/config';
import { type Database, SessionRecordingRepository } from '@voxie/db';

/** How long `stop()` waits for the session's own Close event before closing the row itself. */
const STOP_GRACE_MS = 15_000;

export interface StartAgentSessionOptions {
  agent: LoadedAgent & { definition: AgentDefinition };
  database: Pick<Database, 'db'>;
  registry: ProviderRegistry;
  secrets: SecretResolver;
  /** Carries room/job ids; every event line gets the session and agent ids on top. */
  logger: Logger;
  mode: SessionMode;
  roomName: string;
  kind?: 'agent' | 'simulation';
  /** The LiveKit room to run in (voice); absent for text sessions. */
  room?: Room;
  /** Room input options (simulations listen to AGENT participants, linked to their peer). */
  inputOptions?: Partial<voice.RoomInputOptions>;
  llm?: llm.LLM;
  vad?: VAD;
  /** Deletes the LiveKit room (after `end_call`, when the definition asks for it). */
  deleteRoom?: () => Promise<void>;
}

export interface RunningAgentSession {
  sessionId: string;
  session: voice.AgentSession;
  built: BuiltAgent;
  recorder: SessionRecorder;
  /** The opening line being spoken, when the definition greets. */
  greeting: voice.SpeechHandle | undefined;
  /** Resolves with the close reason once the session closed and its recording was flushed. */
  ended: Promise<string>;
  /** Closes the session (if still running) and flushes; safe to call more than once. */
  stop(reason: string): Promise<void>;
}

/**
 * Builds the stored agent, records it, starts the session (in the room, or text-only) and says
 * the greeting. Emits the structured events operators grep for: agent.loaded, session.started,
 * user.said, agent.said, tool.called, handoff, session.ended.
 */
export async function startAgentSession(
  options: StartAgentSessionOptions,
): Promise<RunningAgentSession> {
  const { agent, definition } = { agent: options.agent, definition: options.agent.definition };
  const recording = new SessionRecordingRepository(options.database.db);
  const row = await recording.start({
    ownerId: agent.ownerId,
    kind: options.kind ?? 'agent',
    roomName: options.roomName,
    agentId: agent.agentId,
    agentVersionId: agent.versionId,
  });
  const log = options.logger.child({ sessionId: row.id, agentId: agent.agentId });
  log.info(
    {
      event: 'agent.loaded',
      versionId: agent.versionId,
      version: agent.version,
      mode: options.mode,
    },
    'agent loaded',
  );

  const built = buildAgent(definition, {
    registry: options.registry,
    mode: options.mode,
    llm: options.llm,
    vad: options.vad,
    tools: {
      secrets: options.secrets,
      onToolCall: (report) => log.info({ event: 'tool.called', ...report }, 'tool called'),
      onEndCall: () => log.info({ event: 'tool.called', tool: 'end_call' }, 'agent ends the call'),
    },
  });
  const session = built.createSession();
  const recorder = new SessionRecorder({
    sessionId: row.id,
    sink: createDatabaseSink(options.database),
    recordTranscript: definition.postSession.recordTranscript,
    recordMetrics: definition.postSession.recordMetrics,
    onItem: (item) => {
      const content = item.content as Record<string, unknown>;
      if (item.type === 'message') {
        const event = item.role === 'user' ? 'user.said' : 'agent.said';
        log.info({ event, text: content.text }, event === 'user.said' ? 'user said' : 'agent said');
      } else if (item.type === 'agent_handoff' && content.from !== null && !built.workflow) {
        log.info({ event: 'handoff', from: content.from, to: content.to }, 'handoff');
      }
    },
    onError: (error) => log.error({ err: error }, 'recording write failed; will retry'),
  }).attach(session);

  // Workflow handoffs carry more than the transcript item: reason, context policy, latency.
  built.workflow?.events.on('handoff', (event) =>
    log.info(
      {
        event: 'handoff',
        from: event.from,
        to: event.to,
        tool: event.tool,
        reason: event.reason,
        context: event.context.policy,
        latencyMs: event.latencyMs,
      },
      'handoff',
    ),
  );
  built.workflow?.events.on('escalation', (event) =>
    log.warn(
      { event: 'escalation', node: event.node, from: event.from, reason: event.reason },
      'escalation to a human requested',
    ),
  );

  let resolveEnded: (reason: string) => void = () => {};
  const ended = new Promise<string>((resolve) => {
    resolveEnded = resolve;
  });
  let finished: Promise<void> | undefined;
  const finish = (reason: string, failed: boolean) => {
    finished ??= finishOnce(reason, failed);
    return finished;
  };
  const finishOnce = async (reason: string, failed: boolean) => {
    await recorder.finish({
      endReason: reason,
      status: failed ? 'failed' : 'ended',
      usage: session.usage,
    });
    log.info(
      { event: 'session.ended', reason, metrics: recorder.metrics.endToEnd },
      'session ended',
    );
    resolveEnded(reason);
  };
  session.once(voice.AgentSessionEventTypes.Close, (event) => {
    const reason = String(event.reason);
    void (async () => {
      await finish(reason, reason === voice.CloseReason.ERROR);
      const endCall = definition.tools.find((tool) => tool.type === 'end_call');
      if (reason === END_CALL_REASON && endCall?.deleteRoom && options.deleteRoom) {
        await options
          .deleteRoom()
          .catch((error: unknown) =>
            log.warn({ err: error }, 'could not delete the room after end_call'),
          );
      }
    })();
  });

  await session.start({
    agent: built.agent,
    room: options.room,
    inputOptions: options.inputOptions,
  });
  log.info({ event: 'session.started', room: options.roomName }, 'session started');
  const greeting = built.greet(session);

  let stopping: Promise<void> | undefined;
  return {
    sessionId: row.id,
    session,
    built,
    recorder,
    greeting,
    ended,
    stop(reason) {
      stopping ??= (async () => {
        session.shutdown({ drain: true, reason });
        // A session that never got going emits no Close event: flush and close the row anyway.
        const fallback = setTimeout(() => void finish(reason, false), STOP_GRACE_MS);
        await ended;
        clearTimeout(fallback);
      })();
      return stopping;
    },
  };
}
