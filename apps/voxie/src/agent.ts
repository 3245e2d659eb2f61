import { defineAgent, type JobContext, type JobProcess, type VAD, voice } from '@livekit/agents';
import { JobTracker } from '@voxie/agent-worker';
import { recordCreationSession } from './creation-recording.js';
import { waitForCreator, watchCreatorPresence } from './creator-participant.js';
import { prepareCreator } from './creator-session.js';
import { decideVoxieJob } from './job-decision.js';
import { getProcessRuntime } from './runtime.js';
import { voxieSessionOptions } from './voice-session.js';

/**
 * The job entry the LiveKit framework runs in a child process for every accepted Voxie job:
 * find the creator (owner from the dispatch / participant attributes), open or resume their
 * draft, and talk.
 */
export default defineAgent({
  prewarm: async (proc: JobProcess) => {
    const runtime = await getProcessRuntime();
    proc.userData.vad = await runtime.registry.loadVad();
  },
  entry: async (ctx: JobContext) => {
    const runtime = await getProcessRuntime();
    const tracker = new JobTracker(ctx.job.id, { worker: ctx.job.agentName });
    ctx.addShutdownCallback(() => tracker.close());
    const roomName = ctx.job.room?.name ?? '';
    const log = runtime.logger.child({ room: roomName, jobId: ctx.job.id });
    const decision = decideVoxieJob({ roomName, dispatchMetadata: ctx.job.metadata });
    if (!decision.accept) {
      log.error({ event: 'job.failed', reason: decision.reason }, 'not a Voxie job');
      tracker.failed();
      ctx.shutdown(decision.reason);
      return;
    }
    const { metadata } = decision;
    try {
      await ctx.connect();
      const creator = await waitForCreator(
        ctx.room,
        metadata.ownerId,
        runtime.env.OWNER_WAIT_TIMEOUT_MS,
        log,
      );
      if (!creator) {
        log.warn({ event: 'job.failed', reason: 'no creator joined' }, 'no creator joined');
        tracker.failed('no_creator');
        ctx.shutdown('no creator joined');
        return;
      }
      const prepared = await prepareCreator({
        database: runtime.database,
        ownerId: creator.ownerId,
        sessionId: metadata.sessionId,
        editAgentId: metadata.agentId,
        keys: runtime.keys,
        catalog: runtime.catalog,
        defaults: runtime.defaults,
        logger: log,
      });
      const session = new voice.AgentSession(
        voxieSessionOptions(
          runtime.registry,
          runtime.models,
          ctx.proc.userData.vad as VAD | undefined,
        ),
      );
      const recorder = await recordCreationSession(session, {
        database: runtime.database,
        ownerId: creator.ownerId,
        sessionId: metadata.sessionId,
        logger: log,
      });
      let endReason = 'job_shutdown';
      let reportEnd: (reason: string) => void = () => {};
      const ended = new Promise<string>((resolve) => {
        reportEnd = resolve;
      });
      session.on(voice.AgentSessionEventTypes.Close, (event) => {
        endReason = String(event.reason);
        reportEnd(endReason);
        ctx.shutdown('session closed');
      });
      // The draft is already stored after every change; this flushes the transcript.
      ctx.addShutdownCallback(async () => {
        await session.close();
        await recorder?.finish({ endReason, usage: session.usage });
      });
      // A dropped connection does not end the conversation at once: the creator may rejoin the
      // room within REJOIN_GRACE_MS and carry on (the draft is stored either way).
      const stopWatching = watchCreatorPresence(
        ctx.room,
        creator.participant.identity,
        runtime.env.REJOIN_GRACE_MS,
        () => ctx.shutdown('creator left'),
        log,
      );
      ctx.addShutdownCallback(async () => stopWatching());
      await session.start({
        agent: prepared.agent,
        room: ctx.room,
        inputOptions: {
          participantIdentity: creator.participant.identity,
          closeOnDisconnect: false,
        },
      });
      tracker.session(ended);
      log.info(
        {
          event: 'session.started',
          ownerId: creator.ownerId,
          draftId: prepared.store.draftId,
          opening: prepared.opening.kind,
        },
        'creation session started',
      );
      prepared.greet(session);
    } catch (error) {
      log.error({ event: 'job.failed', err: error }, 'could not start the creation session');
      tracker.failed();
      ctx.shutdown('session failed to start');
    }
  },
});
