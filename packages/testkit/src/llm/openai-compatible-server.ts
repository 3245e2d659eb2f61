import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A chat message as the OpenAI Chat Completions API receives it. */
export interface OpenAIChatMessage {
  role: string;
  content?: unknown;
  tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
  [key: string]: unknown;
}

/** A tool as the API receives it. */
export interface OpenAITool {
  type: string;
  function: { name: string; description?: string; parameters?: unknown; strict?: boolean };
}

/** One `POST /chat/completions` the server received. */
export interface OpenAIChatRequest {
  index: number;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, as sent. */
  body: {
    model: string;
    messages: OpenAIChatMessage[];
    stream?: boolean;
    temperature?: number;
    tools?: OpenAITool[];
    tool_choice?: unknown;
    [key: string]: unknown;
  };
}

/** What the fake model answers. */
export interface OpenAIReply {
  text?: string;
  toolCalls?: Array<{ name: string; arguments: Record<string, unknown> | string; id?: string }>;
  usage?: { promptTokens: number; completionTokens: number };
  /** Answer with this HTTP status and an OpenAI-style error instead. */
  errorStatus?: number;
}

export type OpenAIResponder = (request: OpenAIChatRequest) => OpenAIReply | Promise<OpenAIReply>;

export interface OpenAICompatibleServerOptions {
  /** Replies in order (one per request), or a function computing each. Default: echo the last
   * user message. */
  replies?: OpenAIReply[] | OpenAIResponder;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (else 401). */
  apiKey?: string;
  /** Characters per streamed content chunk; default 6. */
  chunkSize?: number;
}

export interface OpenAICompatibleServer {
  /** Base URL to give a client, ending in `/v1`. */
  baseURL: string;
  /** Every chat request, in arrival order. */
  requests: OpenAIChatRequest[];
  close(): Promise<void>;
}

function lastUserText(messages: readonly OpenAIChatMessage[]): string {
  const last = [...messages].reverse().find((m) => m.role === 'user');
  if (!last) return '';
  if (typeof last.content === 'string') return last.content;
  if (Array.isArray(last.content)) {
    return last.content
      .map((part) => (typeof part === 'object' && part && 'text' in part ? String(part.text) : ''))
      .join('');
  }
  return '';
}

/**
 * A loopback HTTP server speaking the OpenAI Chat Completions API (streaming with SSE, tool
 * calls streamed in pieces, usage chunk, `GET /v1/models`), so tests exercise the real OpenAI
 * plugin and SDK end to end without a cloud key. Listens on 127.0.0.1 on a free port.
 */
export async function startOpenAICompatibleServer(
  options: OpenAICompatibleServerOptions = {},
): Promise<OpenAICompatibleServer> {
  const requests: OpenAIChatRequest[] = [];
  const chunkSize = Math.max(1, options.chunkSize ?? 6);
  const replies = options.replies;
  const respond: OpenAIResponder =
    typeof replies === 'function'
      ? replies
      : (request) =>
          replies
            ? (replies[request.index] ?? { text: '(script exhausted)' })
            : { text: `You said: ${lastUserText(request.body.messages)}` };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        const sendJson = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
          sendJson(401, {
            error: {
              message: 'Incorrect API key provided',
              type: 'invalid_request_error',
              code: 'invalid_api_key',
            },
          });
          return;
        }
        if (req.method === 'GET' && /\/models$/.test(path)) {
          sendJson(200, {
            object: 'list',
            data: [{ id: 'loopback-model', object: 'model', owned_by: 'voxie' }],
          });
          return;
        }
        if (req.method !== 'POST' || !/\/chat\/completions$/.test(path)) {
          sendJson(404, {
            error: { message: `no route ${req.method} ${path}`, type: 'not_found' },
          });
          return;
        }
        let body: OpenAIChatRequest['body'];
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          sendJson(400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
          return;
        }
        const request: OpenAIChatRequest = {
          index: requests.length,
          path,
          headers: req.headers,
          body,
        };
        requests.push(request);
        const reply = await respond(request);
        if (reply.errorStatus) {
          sendJson(reply.errorStatus, {
            error: { message: 'scripted failure', type: 'server_error' },
          });
          return;
        }
        const id = `chatcmpl-loopback-${request.index}`;
        const created = Math.floor(Date.now() / 1000);
        const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
          index,
          id: call.id ?? `call_loopback_${request.index}_${index}`,
          type: 'function' as const,
          function: {
            name: call.name,
            arguments:
              typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
          },
        }));
        const finishReason = toolCalls.length > 0 ? 'tool_calls' : 'stop';
        const usage = reply.usage ?? { promptTokens: 10, completionTokens: 5 };
        const usageJson = {
          prompt_tokens: usage.promptTokens,
          completion_tokens: usage.completionTokens,
          total_tokens: usage.promptTokens + usage.completionTokens,
        };

        if (!body.stream) {
          sendJson(200, {
            id,
            object: 'chat.completion',
            created,
            model: body.model,
            choices: [
              {
                index: 0,
                message: {
                  role: 'assistant',
                  content: reply.text ?? null,
                  ...(toolCalls.length
                    ? { tool_calls: toolCalls.map(({ index: _, ...call }) => call) }
                    : {}),
                },
                finish_reason: finishReason,
              },
            ],
            usage: usageJson,
          });
          return;
        }

        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
        });
        const send = (delta: Record<string, unknown>, finish: string | null = null) =>
          res.write(
            `data: ${JSON.stringify({
              id,
              object: 'chat.completion.chunk',
              created,
              model: body.model,
              choices: [{ index: 0, delta, finish_reason: finish }],
            })}\n\n`,
          );
        send({ role: 'assistant', content: '' });
        const text = reply.text ?? '';
        for (let offset = 0; offset < text.length; offset += chunkSize) {
          send({ content: text.slice(offset, offset + chunkSize) });
        }
        for (const call of toolCalls) {
          // Like OpenAI: id and name first, then the arguments in pieces.
          send({
            tool_calls: [
              {
                index: call.index,
                id: call.id,
                type: 'function',
                function: { name: call.function.name, arguments: '' },
              },
            ],
          });
          const args = call.function.arguments;
          for (let offset = 0; offset < args.length; offset += chunkSize) {
            send({
              tool_calls: [
                {
                  index: call.index,
                  function: { arguments: args.slice(offset, offset + chunkSize) },
                },
              ],
            });
          }
        }
        send({}, finishReason);
        const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
        if (streamOptions?.include_usage) {
          res.write(
            `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [], usage: usageJson })}\n\n`,
          );
        }
        res.end('data: [DONE]\n\n');
      })().catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(error), type: 'server_error' } }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
