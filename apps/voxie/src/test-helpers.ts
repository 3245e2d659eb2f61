import { PassThrough } from 'node:stream';
import { initializeLogger, type voice } from '@livekit/agents';
import type { ProviderKeys } from '@voxie/agent-core';
import { createLogger, type Logger } from '@voxie/config';
import { openTestDatabase as openSharedTestDatabase } from '@voxie/db/testing';
import type { CreationDefaults } from './draft.js';

/** Test-only helpers shared by Voxie's test files (not exported from the package). */

export const TEST_KEYS: ProviderKeys = { openaiApiKey: 'test-key', deepgramApiKey: 'test-key' };

export const TEST_DEFAULTS: CreationDefaults = {
  llm: { provider: 'openai', model: 'gpt-4.1-mini' },
  stt: { provider: 'deepgram', model: 'nova-3' },
};

export type TestDatabase = Awaited<ReturnType<typeof openSharedTestDatabase>>;

/** A migrated Postgres database of its own, with the framework's logger quiet. */
export function openTestDatabase(label: string): Promise<TestDatabase> {
  initializeLogger({ pretty: false, level: 'silent' });
  return openSharedTestDatabase(label);
}

/** A logger whose JSON lines are collected in `lines()`. */
export function captureLogger(name: string): { logger: Logger; text(): string } {
  let text = '';
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { logger: createLogger({ name, level: 'info', destination: stream }), text: () => text };
}

/** Tool outputs of one run; successful outputs JSON-decoded (the framework encodes them). */
export function toolOutputs(
  result: voice.testing.RunResult,
): Array<{ name: string; output: string; isError: boolean }> {
  return result.events.flatMap((event) =>
    event.type === 'function_call_output'
      ? [
          {
            name: event.item.name,
            output: event.item.isError ? event.item.output : decode(event.item.output),
            isError: event.item.isError,
          },
        ]
      : [],
  );
}

/** The assistant's spoken texts in a session's history. */
export function assistantTexts(session: voice.AgentSession): string[] {
  return session.history.items.flatMap((item) =>
    item.type === 'message' && item.role === 'assistant' ? [item.textContent ?? ''] : [],
  );
}

function decode(output: string): string {
  try {
    const value: unknown = JSON.parse(output);
    return typeof value === 'string' ? value : output;
  } catch {
    return output;
  }
}
