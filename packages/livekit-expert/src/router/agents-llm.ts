import type { llm } from '@livekit/agents';

/**
 * Adapts any LiveKit Agents `llm.LLM` (OpenAI plugin, a local model, a test double) into the
 * text-completion function `createLlmRouteClassifier` needs. The framework is loaded lazily so the
 * rules-only router never pulls it in.
 */
export function completionFromAgentsLlm(model: llm.LLM): (prompt: string) => Promise<string> {
  return async (prompt) => {
    const agents = await import('@livekit/agents');
    const chatCtx = agents.llm.ChatContext.empty();
    chatCtx.addMessage({ role: 'user', content: prompt });
    const response = await model.chat({ chatCtx }).collect();
    return response.text;
  };
}
