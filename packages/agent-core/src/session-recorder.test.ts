import { llm } from '@livekit/agents';
import { describe, expect, it } from 'vitest';
import {
  type RecordedItem,
  type RecorderSink,
  SessionRecorder,
  type SessionResult,
} from './session-recorder.js';

function memorySink(failFirst = 0) {
  const batches: RecordedItem[][] = [];
  const results: SessionResult[] = [];
  let failures = failFirst;
  const sink: RecorderSink = {
    async appendTranscript(_sessionId, items) {
      if (failures > 0) {
        failures--;
        throw new Error('database unavailable');
      }
      batches.push([...items]);
    },
    async finishSession(_sessionId, result) {
      results.push(result);
    },
  };
  return { sink, batches, results };
}

const message = (role: 'user' | 'assistant', text: string) =>
  llm.ChatMessage.create({ role, content: text });

describe('SessionRecorder', () => {
  it('writes in batches and flushes the rest on finish', async () => {
    const { sink, batches, results } = memorySink();
    const recorder = new SessionRecorder({
      sessionId: 's',
      sink,
      batchSize: 2,
      flushIntervalMs: 60_000,
    });
    recorder.record(message('user', 'one'));
    recorder.record(message('assistant', 'two'));
    // The second item fills the batch: it is written without waiting for the timer.
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toHaveLength(1);
    recorder.record(message('user', 'three'));
    await recorder.finish({ endReason: 'participant_disconnected' });
    recorder.record(message('user', 'too late'));
    expect(
      batches.map((batch) => batch.map((item) => (item.content as { text: string }).text)),
    ).toEqual([['one', 'two'], ['three']]);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'ended', endReason: 'participant_disconnected' });
  });

  it('keeps the order when a write fails and retries it with the next flush', async () => {
    const { sink, batches } = memorySink(1);
    const errors: unknown[] = [];
    const recorder = new SessionRecorder({
      sessionId: 's',
      sink,
      batchSize: 100,
      onError: (error) => errors.push(error),
    });
    recorder.record(message('user', 'a'));
    await recorder.flush();
    recorder.record(message('assistant', 'b'));
    await recorder.finish({ endReason: 'x' });
    expect(errors).toHaveLength(1);
    expect(batches.flat().map((item) => (item.content as { text: string }).text)).toEqual([
      'a',
      'b',
    ]);
  });

  it('summarises latency per turn from the framework metrics', () => {
    const recorder = new SessionRecorder({ sessionId: 's', sink: memorySink().sink });
    recorder.recordMetrics({
      type: 'eou_metrics',
      timestamp: 0,
      endOfUtteranceDelayMs: 300,
      transcriptionDelayMs: 10,
      onUserTurnCompletedDelayMs: 0,
      lastSpeakingTimeMs: 0,
      speechId: 'sp1',
    });
    recorder.recordMetrics({
      type: 'llm_metrics',
      label: 'l',
      requestId: 'r',
      timestamp: 0,
      durationMs: 900,
      ttftMs: 250,
      cancelled: false,
      completionTokens: 1,
      promptTokens: 1,
      promptCachedTokens: 0,
      totalTokens: 2,
      tokensPerSecond: 1,
      speechId: 'sp1',
    });
    recorder.recordMetrics({
      type: 'tts_metrics',
      label: 't',
      requestId: 'r',
      timestamp: 0,
      ttfbMs: 120,
      durationMs: 500,
      audioDurationMs: 1000,
      cancelled: false,
      charactersCount: 10,
      streamed: true,
      speechId: 'sp1',
    });
    const summary = recorder.metrics;
    expect(summary.turns).toEqual([
      { speechId: 'sp1', eouDelayMs: 300, llmTtftMs: 250, ttsTtfbMs: 120, endToEndMs: 670 },
    ]);
    expect(summary.endToEnd).toMatchObject({ count: 1, p50Ms: 670, maxMs: 670 });
    expect(summary.llmTtft).toMatchObject({ count: 1, avgMs: 250 });
  });
});
