import { llm, type metrics, voice } from '@livekit/agents';
import type { TranscriptItemInput } from '@voxie/db';

/** A conversation item as stored in `transcript_items.content` (plus its type and role). */
export type RecordedItem = TranscriptItemInput & { createdAt: Date };

/** Where a recorder writes: the transcript and the session row (see `createDatabaseSink`). */
export interface RecorderSink {
  appendTranscript(sessionId: string, items: readonly RecordedItem[]): Promise<unknown>;
  finishSession(sessionId: string, result: SessionResult): Promise<unknown>;
}

/** What the session row gets when the conversation is over. */
export interface SessionResult {
  status: 'ended' | 'failed';
  endReason: string;
  usage: unknown;
  metrics: SessionMetricsSummary;
  endedAt: Date;
}

/** min/avg/p50/p95/max of one latency, in milliseconds. */
export interface LatencyStats {
  count: number;
  avgMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface TurnLatency {
  speechId: string;
  eouDelayMs?: number;
  llmTtftMs?: number;
  ttsTtfbMs?: number;
  /** End of user speech → first agent audio: EOU delay + LLM TTFT + TTS TTFB. */
  endToEndMs?: number;
}

export interface SessionMetricsSummary {
  llmTtft?: LatencyStats;
  ttsTtfb?: LatencyStats;
  endOfUtteranceDelay?: LatencyStats;
  endToEnd?: LatencyStats;
  /** Per-turn figures, the first {@link MAX_TURNS_KEPT} turns. */
  turns: TurnLatency[];
}

export interface SessionRecorderOptions {
  sessionId: string;
  sink: RecorderSink;
  /** Flush once this many items are pending; default 20. */
  batchSize?: number;
  /** ...or this long after the first pending item; default 1000 ms. */
  flushIntervalMs?: number;
  /** Store items at all (the definition's `postSession.recordTranscript`); default true. */
  recordTranscript?: boolean;
  /** Store metrics on the session row; default true. */
  recordMetrics?: boolean;
  /** Called for every item as it happens (structured logs). */
  onItem?: (item: RecordedItem) => void;
  /** Called when a write fails; the recorder keeps the items and retries on the next flush. */
  onError?: (error: unknown) => void;
}

const MAX_TURNS_KEPT = 200;

function stats(values: readonly number[]): LatencyStats | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count: sorted.length,
    avgMs: round(sorted.reduce((sum, v) => sum + v, 0) / sorted.length),
    p50Ms: round(at(0.5)),
    p95Ms: round(at(0.95)),
    maxMs: round(sorted.at(-1) ?? 0),
  };
}

/** Converts a framework chat item into what we store. */
export function toRecordedItem(
  item: llm.ChatMessage | llm.AgentHandoffItem | llm.FunctionCall | llm.FunctionCallOutput,
): RecordedItem | undefined {
  const createdAt = new Date(item.createdAt);
  if (item instanceof llm.ChatMessage) {
    if (item.role !== 'user' && item.role !== 'assistant') return undefined;
    return {
      type: 'message',
      role: item.role,
      content: { id: item.id, text: item.textContent ?? '', interrupted: item.interrupted },
      createdAt,
    };
  }
  if (item instanceof llm.FunctionCall) {
    return {
      type: 'function_call',
      content: { id: item.id, callId: item.callId, name: item.name, arguments: item.args },
      createdAt,
    };
  }
  if (item instanceof llm.FunctionCallOutput) {
    return {
      type: 'function_call_output',
      content: {
        id: item.id,
        callId: item.callId,
        name: item.name,
        output: item.output,
        isError: item.isError,
      },
      createdAt,
    };
  }
  return {
    type: 'agent_handoff',
    content: { id: item.id, from: item.oldAgentId ?? null, to: item.newAgentId },
    createdAt,
  };
}

/**
 * Records one `AgentSession`: every conversation item (user and assistant messages, tool calls
 * and outputs, handoffs) in the order they happen, written in batches; latency metrics from
 * `MetricsCollected`; and, on {@link finish}, the end reason, usage and metrics on the session
 * row. Writes are serialised, so the stored order is the conversation's order.
 */
export class SessionRecorder {
  readonly sessionId: string;
  readonly #options: SessionRecorderOptions;
  #pending: RecordedItem[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writes: Promise<void> = Promise.resolve();
  #turns = new Map<string, TurnLatency>();
  #llmTtft: number[] = [];
  #ttsTtfb: number[] = [];
  #eou: number[] = [];
  #finished = false;
  #detach: (() => void) | undefined;

  constructor(options: SessionRecorderOptions) {
    this.sessionId = options.sessionId;
    this.#options = options;
  }

  /** Starts listening to `session`; call before `session.start()` to catch the greeting. */
  attach(session: voice.AgentSession): this {
    const onItem = (event: voice.ConversationItemAddedEvent) => this.record(event.item);
    const onTools = (event: voice.FunctionToolsExecutedEvent) => {
      for (const [call, output] of voice.zipFunctionCallsAndOutputs(event)) {
        this.record(call);
        if (output) this.record(output);
      }
    };
    const onMetrics = (event: voice.MetricsCollectedEvent) => this.recordMetrics(event.metrics);
    session.on(voice.AgentSessionEventTypes.ConversationItemAdded, onItem);
    session.on(voice.AgentSessionEventTypes.FunctionToolsExecuted, onTools);
    session.on(voice.AgentSessionEventTypes.MetricsCollected, onMetrics);
    this.#detach = () => {
      session.off(voice.AgentSessionEventTypes.ConversationItemAdded, onItem);
      session.off(voice.AgentSessionEventTypes.FunctionToolsExecuted, onTools);
      session.off(voice.AgentSessionEventTypes.MetricsCollected, onMetrics);
    };
    return this;
  }

  /** Queues one item (normally called through {@link attach}). */
  record(
    item: llm.ChatMessage | llm.AgentHandoffItem | llm.FunctionCall | llm.FunctionCallOutput,
  ): void {
    const recorded = toRecordedItem(item);
    if (!recorded) return;
    this.#options.onItem?.(recorded);
    if (this.#options.recordTranscript === false || this.#finished) return;
    this.#pending.push(recorded);
    if (this.#pending.length >= (this.#options.batchSize ?? 20)) {
      void this.flush();
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => void this.flush(), this.#options.flushIntervalMs ?? 1000);
      this.#timer.unref();
    }
  }

  recordMetrics(metric: metrics.AgentMetrics): void {
    const turn = (speechId: string | undefined) => {
      if (!speechId) return undefined;
      let found = this.#turns.get(speechId);
      if (!found && this.#turns.size < MAX_TURNS_KEPT) {
        found = { speechId };
        this.#turns.set(speechId, found);
      }
      return found;
    };
    let target: TurnLatency | undefined;
    switch (metric.type) {
      case 'llm_metrics':
        this.#llmTtft.push(metric.ttftMs);
        target = turn(metric.speechId);
        if (target && target.llmTtftMs === undefined) target.llmTtftMs = metric.ttftMs;
        break;
      case 'tts_metrics':
        this.#ttsTtfb.push(metric.ttfbMs);
        target = turn(metric.speechId);
        if (target && target.ttsTtfbMs === undefined) target.ttsTtfbMs = metric.ttfbMs;
        break;
      case 'eou_metrics':
        this.#eou.push(metric.endOfUtteranceDelayMs);
        target = turn(metric.speechId);
        if (target) target.eouDelayMs = metric.endOfUtteranceDelayMs;
        break;
      default:
        return;
    }
    if (
      target &&
      target.eouDelayMs !== undefined &&
      target.llmTtftMs !== undefined &&
      target.ttsTtfbMs !== undefined
    ) {
      target.endToEndMs = target.eouDelayMs + target.llmTtftMs + target.ttsTtfbMs;
    }
  }

  /** Latency figures so far. */
  get metrics(): SessionMetricsSummary {
    const turns = [...this.#turns.values()];
    const endToEnd = turns.flatMap((t) => (t.endToEndMs === undefined ? [] : [t.endToEndMs]));
    return {
      llmTtft: stats(this.#llmTtft),
      ttsTtfb: stats(this.#ttsTtfb),
      endOfUtteranceDelay: stats(this.#eou),
      endToEnd: stats(endToEnd),
      turns,
    };
  }

  /** Writes whatever is pending; resolves when every earlier write has landed. */
  flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#writes = this.#writes.then(async () => {
      if (this.#pending.length === 0) return;
      const batch = this.#pending;
      this.#pending = [];
      try {
        await this.#options.sink.appendTranscript(this.sessionId, batch);
      } catch (error) {
        // Keep order: put the batch back in front of anything queued meanwhile.
        this.#pending = [...batch, ...this.#pending];
        this.#options.onError?.(error);
      }
    });
    return this.#writes;
  }

  /**
   * Flushes the transcript and closes the session row. Idempotent; items recorded afterwards
   * are ignored.
   */
  async finish(result: {
    endReason: string;
    status?: 'ended' | 'failed';
    usage?: unknown;
  }): Promise<void> {
    if (this.#finished) return;
    await this.flush();
    this.#finished = true;
    this.#detach?.();
    try {
      await this.#options.sink.finishSession(this.sessionId, {
        status: result.status ?? 'ended',
        endReason: result.endReason,
        usage: result.usage ?? null,
        metrics: this.#options.recordMetrics === false ? { turns: [] } : this.metrics,
        endedAt: new Date(),
      });
    } catch (error) {
      this.#options.onError?.(error);
    }
  }
}
