import { llm } from '@livekit/agents';
import type { ContextPolicy } from './definition.js';

/** A user or assistant message, as a summarizer receives it. */
export interface TranscriptMessage {
  role: 'user' | 'assistant';
  text: string;
}

/** What a summarizer is asked to condense. */
export interface SummaryRequest {
  /** The user/assistant messages of the conversation so far, in order. */
  messages: TranscriptMessage[];
  /** The system prompt to follow (the edge's `context.prompt` or {@link DEFAULT_SUMMARY_PROMPT}). */
  prompt: string;
  from: string;
  to: string;
}

/** Writes the summary the next agent receives under the `summary` policy. */
export type Summarizer = (request: SummaryRequest) => Promise<string>;

export const DEFAULT_SUMMARY_PROMPT = [
  'You summarize a conversation for the colleague who takes it over.',
  'Keep what the colleague needs: who the user is, what they want, facts and decisions, what is still open.',
  'Omit greetings and filler. Write a few plain sentences, no lists, no preamble.',
].join('\n');

/** Label of the summary message's `extra`, so later summarization can skip it. */
export const SUMMARY_EXTRA = { is_summary: true, source: 'handoff' } as const;

/**
 * A {@link Summarizer} that asks `model`: one system message (the prompt), one user message
 * holding the transcript as `role: text` lines. Throws when the model answers with no text.
 */
export function createLLMSummarizer(model: llm.LLM): Summarizer {
  return async ({ messages, prompt }) => {
    const chatCtx = llm.ChatContext.empty();
    chatCtx.addMessage({ role: 'system', content: prompt });
    chatCtx.addMessage({
      role: 'user',
      content: `Conversation:\n${messages.map((message) => `${message.role}: ${message.text}`).join('\n')}`,
    });
    let failure: Error | undefined;
    const onError = (event: { error: Error }) => {
      failure = event.error;
    };
    model.on('error', onError);
    try {
      const response = await model.chat({ chatCtx }).collect();
      if (failure) throw failure;
      if (!response.text) throw new Error('the summarizer returned no text');
      return response.text;
    } finally {
      model.off('error', onError);
    }
  };
}

/** The user/assistant messages of `history` with text, in order. */
export function transcriptOf(history: llm.ChatContext): llm.ChatMessage[] {
  return history.items.filter(
    (item): item is llm.ChatMessage =>
      item.type === 'message' &&
      (item.role === 'user' || item.role === 'assistant') &&
      (item.textContent ?? '').trim().length > 0,
  );
}

/**
 * Builds the chat context the next agent starts with, from the session history, per `policy`.
 * Instructions (system/developer messages), handoff markers and config updates never carry:
 * the next agent has its own instructions.
 */
export async function carryContext(
  policy: ContextPolicy,
  history: llm.ChatContext,
  summary: { summarizer: Summarizer | undefined; from: string; to: string },
): Promise<llm.ChatContext> {
  switch (policy.policy) {
    case 'none':
      return llm.ChatContext.empty();
    case 'last_n':
      return new llm.ChatContext(transcriptOf(history).slice(-policy.n));
    case 'full': {
      const carried = history.copy({
        excludeInstructions: true,
        excludeHandoff: true,
        excludeConfigUpdate: true,
        excludeEmptyMessage: true,
      });
      // A call without its result (e.g. the transfer in flight) is rejected by providers.
      const answered = new Set(
        carried.items.flatMap((item) =>
          item.type === 'function_call_output' ? [item.callId] : [],
        ),
      );
      carried.items = carried.items.filter(
        (item) => item.type !== 'function_call' || answered.has(item.callId),
      );
      return carried;
    }
    case 'summary': {
      if (!summary.summarizer) {
        throw new Error('no summarizer: pass one to createWorkflow or give the agent an LLM');
      }
      const messages = transcriptOf(history).map((message) => ({
        role: message.role as 'user' | 'assistant',
        text: message.textContent ?? '',
      }));
      const chatCtx = llm.ChatContext.empty();
      if (messages.length === 0) return chatCtx;
      const text = (
        await summary.summarizer({
          messages,
          prompt: policy.prompt ?? DEFAULT_SUMMARY_PROMPT,
          from: summary.from,
          to: summary.to,
        })
      ).trim();
      if (!text) throw new Error('the summarizer returned no text');
      chatCtx.addMessage({
        role: 'assistant',
        content: summaryMessageText(text),
        extra: { ...SUMMARY_EXTRA },
      });
      return chatCtx;
    }
  }
}

/** The exact text of the message a `summary` handoff gives the next agent. */
export function summaryMessageText(summary: string): string {
  return `<chat_history_summary>\n${summary}\n</chat_history_summary>`;
}
