import { defineAgent, type JobContext, type JobProcess, type VAD } from '@livekit/agents';
import { createAgentLoader } from '@voxie/agent-core';
import { JobTracker } from '@voxie/agent-worker';
import { AGENT_ATTRIBUTES, resolveJobTarget } from './job-decision.js';
import { getProcessRuntime } from './runtime.js';
import { startAgentSession } from './session-runner.js';
import { startSimulationSide } from './simulation-side.js';

/**
 * The job entry the LiveKit framework runs in a child process for every accepted job. `prewarm`
 * loads the Silero VAD once per process, before any job arrives.
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
    const resolved = resolveJobTarget({
      roomName,
      roomMetadata: ctx.job.room?.metadata,
      dispatchMetadata: ctx.job.metadata,
    });
    if (!resolved.ok) {
      log.error({ event: 'job.failed', reason: resolved.reason }, 'job has no runnable target');
      tracker.failed();
      ctx.shutdown(resolved.reason);
      return;
    }
    // Run exactly the version the accept decision chose (it is on our participant attributes).
    const versionId =
      ctx.info.acceptArguments.attributes?.[AGENT_ATTRIBUTES.versionId] ??
      resolved.target.versionId;
    const agent = await createAgentLoader(runtime.database, runtime.registry.keys)(
      resolved.target.agentId,
      versionId,
    );
    if (!agent?.definition || agent.problems.length > 0) {
      const reason = agent ? agent.problems.join('; ') : 'agent disappeared after acceptance';
      log.error(
        { event: 'job.failed', agentId: resolved.target.agentId, reason },
        'cannot run agent',
      );
      tracker.failed();
      ctx.shutdown(reason);
      return;
    }
    try {
      await ctx.connect();
      const role = resolved.target.room.kind === 'simulation' && resolved.target.metadata.role;
      const running = role
        ? await startSimulationSide({
            role,
            metadata: resolved.target.metadata,
            agent: { ...agent, definition: agent.definition },
            room: ctx.room,
            roomName,
            database: runtime.database,
            registry: runtime.registry,
            secrets: runtime.secrets,
            logger: log,
            vad: ctx.proc.userData.vad as VAD | undefined,
            deleteRoom: () => runtime.roomService.deleteRoom(roomName),
          })
        : await startAgentSession({
            agent: { ...agent, definition: agent.definition },
            database: runtime.database,
            registry: runtime.registry,
            secrets: runtime.secrets,
            logger: log,
            mode: 'voice',
            roomName,
            kind: resolved.target.room.kind === 'simulation' ? 'simulation' : 'agent',
            room: ctx.room,
            vad: ctx.proc.userData.vad as VAD | undefined,
            deleteRoom: () => runtime.roomService.deleteRoom(roomName),
          });
      tracker.session(running.ended);
      // Flush the recording however the job ends (room closed, worker draining, terminated).
      ctx.addShutdownCallback(() => running.stop('job_shutdown'));
      void running.ended.then((reason) => ctx.shutdown(reason));
    } catch (error) {
      // The job ends here; the room stays for another dispatch to pick up.
      log.error(
        { event: 'job.failed', agentId: agent.agentId, err: error },
        'could not start the session',
      );
      tracker.failed();
      ctx.shutdown('session failed to start');
    }
  },
});
