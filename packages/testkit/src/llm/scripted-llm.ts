import { performance } from 'node:perf_hooks';
import {
  type APIConnectOptions,
  DEFAULT_API_CONNECT_OPTIONS,
  llm,
  type ToolChoice,
} from '@livekit/agents';

/** A tool call the scripted model emits. `args` may be a raw string to exercise malformed JSON. */
export interface ScriptedToolCall {
  name: string;
  /** Arguments as an object (serialized with JSON.stringify) or a raw string sent verbatim. Default `{}`. */
  args?: Record<string, unknown> | string;
  /** Default: `scripted_call_<request>_<index>`. */
  callId?: string;
}

/** What the scripted model answers to one request. */
export interface ScriptedReply {
  /** Assistant text, streamed in chunks of `chunkSize` characters. */
  text?: string;
  /** Tool calls, emitted after the text, one chunk each (as streaming providers do). */
  toolCalls?: ScriptedToolCall[];
  /** Token usage reported on the last chunk (optional). */
  usage?: llm.CompletionUsage;
}

/**
 * Declarative matcher over a received request. Every given field must hold.
 * - `userText`: the text of the last user message (string: exact, RegExp: test).
 * - `toolOutput`: the output of the last tool result, only when the context ends with tool
 *   results (i.e. the model is asked to react to a tool). Strings match the raw output or, since
 *   the framework JSON-encodes tool results, its JSON-decoded string (`'"done"'` matches `'done'`).
 * - `instructions`: the system/developer text (string: substring, RegExp: test).
 * - `tool`: the name of a tool that must be offered.
 */
export interface ScriptedMatch {
  userText?: string | RegExp;
  toolOutput?: string | RegExp;
  instructions?: string | RegExp;
  tool?: string;
}

export type ScriptedMatcher = ScriptedMatch | ((request: RecordedLLMRequest) => boolean);

/** One entry of a script. */
export interface ScriptedTurn extends ScriptedReply {
  /** Only requests this matches may take the turn. Turns without `when` match any request. */
  when?: ScriptedMatcher;
  /** Computes the reply from the request (wins over `text`/`toolCalls`). */
  respond?: (request: RecordedLLMRequest) => ScriptedReply | Promise<ScriptedReply>;
  /** Delay before the first chunk, in ms (time to first token). Default 0. */
  delayMs?: number;
  /** Delay between chunks (text pieces and tool calls), in ms. Default 0. */
  chunkDelayMs?: number;
  /** How many requests this turn may answer. Default 1; `Number.POSITIVE_INFINITY` = always. */
  times?: number;
  /** Name used in error messages. */
  label?: string;
}

/** A chat item as the model received it, reduced to plain data. */
export type RecordedItem =
  | { type: 'message'; role: llm.ChatRole; text: string }
  | { type: 'function_call'; callId: string; name: string; args: unknown }
  | { type: 'function_call_output'; callId: string; name: string; output: string; isError: boolean }
  | { type: 'agent_handoff'; oldAgentId: string | undefined; newAgentId: string }
  | { type: 'agent_config_update'; instructions: string | undefined };

/** A tool definition offered to the model. */
export interface RecordedTool {
  name: string;
  description: string;
  /** JSON Schema of the arguments (as sent to an OpenAI-style provider). */
  parameters: unknown;
}

/** Everything one `chat()` call received. */
export interface RecordedLLMRequest {
  /** 0-based, in arrival order. */
  index: number;
  /** `performance.now()` when `chat()` was called. */
  receivedAt: number;
  /** System/developer message texts joined by newlines, or `undefined` when there are none. */
  instructions: string | undefined;
  /** Every item of the chat context in order, including system messages. */
  items: RecordedItem[];
  /** User and assistant messages only, in order: the conversation the model saw. */
  conversation: Array<{ role: 'user' | 'assistant'; text: string }>;
  /** Text of the last user message, if any. */
  lastUserText: string | undefined;
  /** Output of the last tool result when the context ends with tool results, else `undefined`. */
  lastToolOutput: string | undefined;
  /** Tools offered, sorted by name. */
  tools: RecordedTool[];
  toolChoice: ToolChoice | undefined;
  /** A copy of the received chat context. */
  chatCtx: llm.ChatContext;
}

/** Raised (and recorded in {@link ScriptedLLM.failures}) when no scripted turn answers a request. */
export class ScriptExhaustedError extends Error {
  readonly request: RecordedLLMRequest;
  constructor(message: string, request: RecordedLLMRequest) {
    super(message);
    this.name = 'ScriptExhaustedError';
    this.request = request;
  }
}

export interface ScriptedLLMOptions {
  /** Characters per streamed text chunk. Default 8. */
  chunkSize?: number;
  /** Label reported to the framework (metrics, logs). Default `scripted-llm`. */
  label?: string;
  /**
   * Keep only the latest N recorded requests (each holds a copy of its chat context, so long
   * runs such as benchmarks would otherwise grow memory quadratically). Default: keep all.
   */
  maxRecordedRequests?: number;
}

interface ScriptEntry {
  turn: ScriptedTurn;
  remaining: number;
  position: number;
}

/**
 * An `llm.LLM` that plays a script instead of calling a model, and records every request.
 *
 * Each request takes the first remaining turn whose `when` matches (turns without `when` match
 * anything, so a plain list plays in order). A turn is used up after `times` requests. When no
 * turn matches, the stream fails with a {@link ScriptExhaustedError} that describes the request,
 * and the error is kept in {@link failures} so a test can assert on it even if the framework
 * only logs it.
 *
 * @example
 * ```ts
 * const model = new ScriptedLLM([
 *   { when: { userText: 'hi' }, text: 'Hello!' },
 *   { toolCalls: [{ name: 'lookup', args: { id: 7 } }] },
 *   { when: { toolOutput: 'found' }, text: 'Found it.' },
 * ]);
 * const session = new voice.AgentSession({ llm: model, vad: null, turnHandling: { turnDetection: null } });
 * // ... later
 * expect(model.requests[0]?.conversation).toEqual([{ role: 'user', text: 'hi' }]);
 * ```
 */
export class ScriptedLLM extends llm.LLM {
  readonly #entries: ScriptEntry[] = [];
  readonly #requests: RecordedLLMRequest[] = [];
  readonly #failures: ScriptExhaustedError[] = [];
  readonly #waiters: Array<{ count: number; resolve: () => void }> = [];
  readonly #chunkSize: number;
  readonly #label: string;
  readonly #maxRecorded: number;
  #added = 0;
  #received = 0;

  constructor(turns: ScriptedTurn[] = [], options: ScriptedLLMOptions = {}) {
    super();
    this.#chunkSize = Math.max(1, options.chunkSize ?? 8);
    this.#label = options.label ?? 'scripted-llm';
    this.#maxRecorded = Math.max(1, options.maxRecordedRequests ?? Number.POSITIVE_INFINITY);
    this.push(...turns);
  }

  override label(): string {
    return this.#label;
  }

  override get model(): string {
    return 'scripted';
  }

  override get provider(): string {
    return 'voxie-testkit';
  }

  /** Appends turns to the script (e.g. between two user turns of a test). */
  push(...turns: ScriptedTurn[]): this {
    for (const turn of turns) {
      this.#entries.push({ turn, remaining: turn.times ?? 1, position: this.#added++ });
    }
    return this;
  }

  /** Number of requests received so far (including any no longer recorded). */
  get requestCount(): number {
    return this.#received;
  }

  /** Every request received so far, in order (the latest `maxRecordedRequests` when set). */
  get requests(): readonly RecordedLLMRequest[] {
    return this.#requests;
  }

  /** The most recent request; throws when none arrived yet. */
  get lastRequest(): RecordedLLMRequest {
    const last = this.#requests.at(-1);
    if (!last) throw new Error('ScriptedLLM has not received any request yet');
    return last;
  }

  /** Requests no turn could answer. */
  get failures(): readonly ScriptExhaustedError[] {
    return this.#failures;
  }

  /** Turns not used up yet (finite `times` only). */
  get pendingTurns(): readonly ScriptedTurn[] {
    return this.#entries
      .filter((entry) => entry.remaining > 0 && Number.isFinite(entry.remaining))
      .map((entry) => entry.turn);
  }

  /** Resolves once `count` requests have arrived; rejects after `timeoutMs` (default 5000). */
  waitForRequests(count: number, timeoutMs = 5_000): Promise<readonly RecordedLLMRequest[]> {
    if (this.#received >= count) return Promise.resolve(this.#requests);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `ScriptedLLM: expected ${count} request(s) within ${timeoutMs} ms, got ${this.#received}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.#requests);
        },
      });
    });
  }

  /** Throws when a request went unanswered or a finite turn was never used. */
  assertScriptConsumed(): void {
    const first = this.#failures[0];
    if (first) throw first;
    const pending = this.#entries.filter(
      (entry) => entry.remaining > 0 && Number.isFinite(entry.remaining),
    );
    if (pending.length > 0) {
      throw new Error(
        `ScriptedLLM: ${pending.length} scripted turn(s) never used: ${pending
          .map((entry) => describeTurn(entry.turn, entry.position))
          .join('; ')}`,
      );
    }
  }

  override chat({
    chatCtx,
    toolCtx,
    connOptions = DEFAULT_API_CONNECT_OPTIONS,
    toolChoice,
  }: {
    chatCtx: llm.ChatContext;
    toolCtx?: llm.ToolContextLike;
    connOptions?: APIConnectOptions;
    parallelToolCalls?: boolean;
    toolChoice?: ToolChoice;
    extraKwargs?: Record<string, unknown>;
  }): llm.LLMStream {
    const request = recordRequest(this.#received, chatCtx, toolCtx, toolChoice);
    this.#received += 1;
    this.#requests.push(request);
    if (this.#requests.length > this.#maxRecorded) this.#requests.shift();
    for (const waiter of [...this.#waiters]) {
      if (this.#received >= waiter.count) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
    const entry = this.#take(request);
    return new ScriptedLLMStream(this, {
      chatCtx,
      toolCtx,
      // a script never retries: a failure must surface once, not be replayed
      connOptions: { ...connOptions, maxRetry: 0 },
      request,
      turn: entry?.turn,
      chunkSize: this.#chunkSize,
      onUnmatched: () => this.#unmatched(request),
    });
  }

  #take(request: RecordedLLMRequest): ScriptEntry | undefined {
    for (const entry of this.#entries) {
      if (entry.remaining <= 0) continue;
      if (entry.turn.when && !matches(entry.turn.when, request)) continue;
      entry.remaining -= 1;
      return entry;
    }
    return undefined;
  }

  #unmatched(request: RecordedLLMRequest): ScriptExhaustedError {
    const left = this.#entries.filter((entry) => entry.remaining > 0);
    const reason =
      left.length === 0
        ? 'the script has run out'
        : `no remaining turn matches (remaining: ${left
            .map((entry) => describeTurn(entry.turn, entry.position))
            .join('; ')})`;
    const error = new ScriptExhaustedError(
      `ScriptedLLM request #${request.index}: ${reason}. Last item: ${describeLastItem(request)}`,
      request,
    );
    this.#failures.push(error);
    return error;
  }
}

class ScriptedLLMStream extends llm.LLMStream {
  readonly #request: RecordedLLMRequest;
  readonly #turn: ScriptedTurn | undefined;
  readonly #chunkSize: number;
  readonly #onUnmatched: () => Error;

  constructor(
    model: ScriptedLLM,
    params: {
      chatCtx: llm.ChatContext;
      toolCtx?: llm.ToolContextLike;
      connOptions: APIConnectOptions;
      request: RecordedLLMRequest;
      turn: ScriptedTurn | undefined;
      chunkSize: number;
      onUnmatched: () => Error;
    },
  ) {
    super(model, params);
    this.#request = params.request;
    this.#turn = params.turn;
    this.#chunkSize = params.chunkSize;
    this.#onUnmatched = params.onUnmatched;
  }

  protected override async run(): Promise<void> {
    const turn = this.#turn;
    if (!turn) throw this.#onUnmatched();
    const signal = this.abortController.signal;
    const reply = turn.respond ? await turn.respond(this.#request) : turn;
    const id = `scripted-${this.#request.index}`;

    if (!(await sleep(turn.delayMs ?? 0, signal))) return;

    const text = reply.text ?? '';
    for (let offset = 0; offset < text.length; offset += this.#chunkSize) {
      if (offset > 0 && !(await sleep(turn.chunkDelayMs ?? 0, signal))) return;
      this.queue.put({
        id,
        delta: { role: 'assistant', content: text.slice(offset, offset + this.#chunkSize) },
      });
    }

    const calls = reply.toolCalls ?? [];
    for (const [index, call] of calls.entries()) {
      if ((text.length > 0 || index > 0) && !(await sleep(turn.chunkDelayMs ?? 0, signal))) return;
      this.queue.put({
        id,
        delta: {
          role: 'assistant',
          toolCalls: [
            llm.FunctionCall.create({
              callId: call.callId ?? `scripted_call_${this.#request.index}_${index}`,
              name: call.name,
              args: typeof call.args === 'string' ? call.args : JSON.stringify(call.args ?? {}),
            }),
          ],
        },
      });
    }

    if (reply.usage) this.queue.put({ id, usage: reply.usage });
  }
}

function recordRequest(
  index: number,
  chatCtx: llm.ChatContext,
  toolCtx: llm.ToolContextLike | undefined,
  toolChoice: ToolChoice | undefined,
): RecordedLLMRequest {
  const receivedAt = performance.now();
  const items = chatCtx.items.map(recordItem);
  const instructionTexts = items.flatMap((item) =>
    item.type === 'message' && (item.role === 'system' || item.role === 'developer')
      ? [item.text]
      : [],
  );
  const conversation = items.flatMap((item) =>
    item.type === 'message' && (item.role === 'user' || item.role === 'assistant')
      ? [{ role: item.role, text: item.text }]
      : [],
  );
  const lastUser = [...conversation].reverse().find((message) => message.role === 'user');
  const last = items.at(-1);
  const tools = toolCtx
    ? llm.sortedToolEntries(llm.toToolContext(toolCtx)).map(([name, tool]) => ({
        name,
        description: tool.description,
        parameters: llm.toJsonSchema(tool.parameters, true, false),
      }))
    : [];
  return {
    index,
    receivedAt,
    instructions: instructionTexts.length > 0 ? instructionTexts.join('\n') : undefined,
    items,
    conversation,
    lastUserText: lastUser?.text,
    lastToolOutput: last?.type === 'function_call_output' ? last.output : undefined,
    tools,
    toolChoice,
    chatCtx: chatCtx.copy(),
  };
}

function recordItem(item: llm.ChatItem): RecordedItem {
  switch (item.type) {
    case 'message':
      return { type: 'message', role: item.role, text: item.textContent ?? '' };
    case 'function_call':
      return {
        type: 'function_call',
        callId: item.callId,
        name: item.name,
        args: parseArgs(item.args),
      };
    case 'function_call_output':
      return {
        type: 'function_call_output',
        callId: item.callId,
        name: item.name,
        output: item.output,
        isError: item.isError,
      };
    case 'agent_handoff':
      return { type: 'agent_handoff', oldAgentId: item.oldAgentId, newAgentId: item.newAgentId };
    case 'agent_config_update':
      return {
        type: 'agent_config_update',
        instructions:
          item.instructions === undefined
            ? undefined
            : typeof item.instructions === 'string'
              ? item.instructions
              : item.instructions.value,
      };
  }
}

function parseArgs(args: string): unknown {
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

function matches(matcher: ScriptedMatcher, request: RecordedLLMRequest): boolean {
  if (typeof matcher === 'function') return matcher(request);
  if (matcher.userText !== undefined && !exact(matcher.userText, request.lastUserText)) {
    return false;
  }
  if (matcher.toolOutput !== undefined && !toolOutputMatches(matcher.toolOutput, request)) {
    return false;
  }
  if (matcher.instructions !== undefined) {
    const text = request.instructions ?? '';
    const ok =
      typeof matcher.instructions === 'string'
        ? text.includes(matcher.instructions)
        : matcher.instructions.test(text);
    if (!ok) return false;
  }
  if (matcher.tool !== undefined && !request.tools.some((tool) => tool.name === matcher.tool)) {
    return false;
  }
  return true;
}

function exact(expected: string | RegExp, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  return typeof expected === 'string' ? actual === expected : expected.test(actual);
}

function toolOutputMatches(expected: string | RegExp, request: RecordedLLMRequest): boolean {
  const raw = request.lastToolOutput;
  if (raw === undefined) return false;
  const decoded = parseArgs(raw);
  const candidates = typeof decoded === 'string' ? [raw, decoded] : [raw];
  return candidates.some((candidate) => exact(expected, candidate));
}

function describeTurn(turn: ScriptedTurn, position: number): string {
  if (turn.label) return `#${position} "${turn.label}"`;
  const when =
    turn.when === undefined
      ? 'any'
      : typeof turn.when === 'function'
        ? 'custom matcher'
        : JSON.stringify(turn.when, (_key, value) =>
            value instanceof RegExp ? value.toString() : value,
          );
  return `#${position} when ${when}`;
}

function describeLastItem(request: RecordedLLMRequest): string {
  const last = request.items.at(-1);
  if (!last) return '(empty context)';
  switch (last.type) {
    case 'message':
      return `${last.role} message ${JSON.stringify(last.text.slice(0, 200))}`;
    case 'function_call':
      return `tool call ${last.name}`;
    case 'function_call_output':
      return `tool output of ${last.name || last.callId}: ${JSON.stringify(last.output.slice(0, 200))}`;
    default:
      return last.type;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
