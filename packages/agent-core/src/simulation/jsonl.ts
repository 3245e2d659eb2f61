import { z } from 'zod';

/**
 * The chat-messages format evaluation and fine-tuning datasets use (OpenAI's chat fine-tuning
 * JSONL): one conversation per line, `{"messages": [...]}`, the agent as `assistant` and the
 * caller as `user`; tool calls as `tool_calls` on assistant messages and `tool` messages for
 * their outputs. `metadata` says where the line came from and is optional for consumers.
 */

export const ChatToolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

export const ChatMessage = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: z.string() }),
  z.object({ role: z.literal('user'), content: z.string() }),
  z.object({
    role: z.literal('assistant'),
    content: z.string().nullable(),
    tool_calls: z.array(ChatToolCall).min(1).optional(),
  }),
  z.object({ role: z.literal('tool'), tool_call_id: z.string().min(1), content: z.string() }),
]);
export type ChatMessage = z.infer<typeof ChatMessage>;

export const ChatMessagesRecord = z
  .object({
    messages: z.array(ChatMessage).min(1),
    metadata: z
      .object({
        simulationId: z.string(),
        runIndex: z.number().int().min(0),
        scenario: z.string(),
        persona: z.string(),
        passed: z.boolean().nullable(),
        endReason: z.string().nullable(),
      })
      .optional(),
  })
  .superRefine((record, ctx) => {
    // Every tool message answers a tool call made earlier in the conversation.
    const called = new Set<string>();
    record.messages.forEach((message, index) => {
      if (message.role === 'assistant')
        for (const call of message.tool_calls ?? []) called.add(call.id);
      if (message.role === 'tool' && !called.has(message.tool_call_id)) {
        ctx.addIssue({
          code: 'custom',
          message: `tool message answers unknown call ${message.tool_call_id}`,
          path: ['messages', index],
        });
      }
    });
  });
export type ChatMessagesRecord = z.infer<typeof ChatMessagesRecord>;

/** A stored conversation item (`transcript_items` or a simulation transcript). */
export interface ExportItem {
  type: 'message' | 'function_call' | 'function_call_output' | 'agent_handoff';
  role?: string | null;
  content: unknown;
}

/** Converts the agent side's items into chat messages, after the system prompt. */
export function toChatMessages(
  items: readonly ExportItem[],
  systemPrompt: string | undefined,
): ChatMessage[] {
  const messages: ChatMessage[] = systemPrompt ? [{ role: 'system', content: systemPrompt }] : [];
  for (const item of items) {
    const content = (item.content ?? {}) as Record<string, unknown>;
    switch (item.type) {
      case 'message': {
        const text = String(content.text ?? '');
        if (item.role === 'user') messages.push({ role: 'user', content: text });
        else if (item.role === 'assistant') messages.push({ role: 'assistant', content: text });
        break;
      }
      case 'function_call': {
        const call = {
          id: String(content.callId ?? content.id ?? ''),
          type: 'function' as const,
          function: {
            name: String(content.name ?? ''),
            arguments: String(content.arguments ?? '{}'),
          },
        };
        const last = messages.at(-1);
        // Calls of one LLM turn belong on one assistant message.
        if (last?.role === 'assistant' && last.tool_calls) last.tool_calls.push(call);
        else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
        break;
      }
      case 'function_call_output':
        messages.push({
          role: 'tool',
          tool_call_id: String(content.callId ?? ''),
          content:
            typeof content.output === 'string'
              ? content.output
              : JSON.stringify(content.output ?? null),
        });
        break;
      case 'agent_handoff':
        // A handoff is visible through the transfer tool call and output around it.
        break;
    }
  }
  return messages;
}

/** One JSONL line (validated; throws a ZodError when the conversation is not exportable). */
export function toJsonlLine(record: ChatMessagesRecord): string {
  return JSON.stringify(ChatMessagesRecord.parse(record));
}
