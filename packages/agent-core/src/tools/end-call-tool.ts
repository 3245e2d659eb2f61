import { llm } from '@livekit/agents';
import type { EndCallToolDefinition } from './tool-definition.js';

/** Close reason of a session the agent ended with `end_call`. */
export const END_CALL_REASON = 'agent_ended_call';

/**
 * The built-in `end_call` tool. Its output tells the LLM to say goodbye; once that reply has
 * been spoken (the speech handle is done), the session shuts down with reason
 * {@link END_CALL_REASON}. Deleting the room is the runner's job (it owns the RoomService
 * client): it watches for that close reason and `definition.deleteRoom`.
 */
export function createEndCallTool(
  definition: EndCallToolDefinition,
  options: { onCalled?: () => void } = {},
): llm.ToolContextEntry {
  return llm.tool({
    name: definition.name,
    description: definition.description,
    execute: async (_args, { ctx }) => {
      options.onCalled?.();
      ctx.speechHandle.addDoneCallback(() => {
        ctx.session.shutdown({ drain: true, reason: END_CALL_REASON });
      });
      return definition.goodbyeInstructions;
    },
  });
}
