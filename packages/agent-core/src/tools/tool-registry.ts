import type { llm } from '@livekit/agents';
import { createEndCallTool } from './end-call-tool.js';
import { createHttpTool, type SecretResolver, type ToolCallReport } from './http-tool.js';
import type { ToolDefinition } from './tool-definition.js';

export interface ToolRuntime {
  /** Values of the secrets HTTP tools reference; default: none (those tools answer an error). */
  secrets?: SecretResolver;
  /** Called after every HTTP tool call (for `tool.called` logs). */
  onToolCall?: (report: ToolCallReport) => void;
  /** Called when the agent invokes `end_call`. */
  onEndCall?: () => void;
}

/** Turns a definition's declared tools into framework tools, in declaration order. */
export function buildTools(
  definitions: readonly ToolDefinition[],
  runtime: ToolRuntime = {},
): llm.ToolContextEntry[] {
  const secrets = runtime.secrets ?? (() => undefined);
  return definitions.map((definition) =>
    definition.type === 'http'
      ? createHttpTool(definition, { secrets, onCall: runtime.onToolCall })
      : createEndCallTool(definition, { onCalled: runtime.onEndCall }),
  );
}

/** Names of the secrets a definition's tools reference (to report missing ones at publish). */
export function referencedSecrets(definitions: readonly ToolDefinition[]): string[] {
  const names = new Set<string>();
  for (const definition of definitions) {
    if (definition.type !== 'http') continue;
    for (const value of Object.values(definition.headers)) {
      if (typeof value !== 'string') names.add(value.secret);
    }
  }
  return [...names];
}
