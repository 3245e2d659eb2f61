import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AnyMessage, JsonValue, Message, MessageType } from '@bufbuild/protobuf';
import type { ClaimGrants } from 'livekit-server-sdk';
import type { TwirpFaultInjector } from './twirp-fault-injector.js';
import { toTwirpJson } from './twirp-json.js';
import { TwirpServerError } from './twirp-server-error.js';

const TWIRP_PREFIX = '/twirp';
const PACKAGE = 'livekit';

/** Who is calling, as the API-key middleware established it. */
export interface TwirpCallContext {
  apiKey: string | undefined;
  claims: ClaimGrants | undefined;
}

/** One Twirp method: its request message type and its implementation. */
export interface TwirpMethod {
  input: MessageType;
  handle(request: AnyMessage, context: TwirpCallContext): AnyMessage | Promise<AnyMessage>;
}

/** Declares a method with a typed request (the table itself holds erased types). */
export function twirpMethod<I extends Message<I>>(
  input: MessageType<I>,
  handle: (request: I, context: TwirpCallContext) => AnyMessage | Promise<AnyMessage>,
): TwirpMethod {
  return {
    input: input as MessageType,
    handle: (request, context) => handle(request as I, context),
  };
}

/** A Twirp call the loopback received, for assertions. */
export interface RecordedTwirpRequest {
  /** `RoomService`, `AgentDispatchService`, ... */
  service: string;
  method: string;
  /** The body as sent (protobuf JSON, camelCase from the SDK). */
  body: JsonValue;
  /** API key of a verified token, if any. */
  apiKey: string | undefined;
  /** Claims of the verified token (`video` holds the grants), if any. */
  grants: ClaimGrants | undefined;
  /** HTTP status answered; null while the call is in flight. */
  status: number | null;
  /** Twirp error code answered, if the call failed. */
  errorCode: string | undefined;
  /** Set when an injected fault shaped the answer. */
  injected: 'fail' | 'stall' | undefined;
  receivedAt: Date;
}

/**
 * Serves `POST /twirp/livekit.<Service>/<Method>` like the Go Twirp server livekit-server uses:
 * JSON (`application/json`) or protobuf (`application/protobuf`) requests, JSON replies shaped by
 * {@link toTwirpJson}, errors as `{"code","msg","meta"?}`.
 */
export class TwirpRouter {
  readonly #services: ReadonlyMap<string, Readonly<Record<string, TwirpMethod>>>;
  readonly #faults: TwirpFaultInjector;
  readonly #requests: RecordedTwirpRequest[];

  constructor(
    services: ReadonlyMap<string, Readonly<Record<string, TwirpMethod>>>,
    faults: TwirpFaultInjector,
    requests: RecordedTwirpRequest[],
  ) {
    this.#services = services;
    this.#faults = faults;
    this.#requests = requests;
  }

  /** True when the path belongs to a registered service (else the server's mux answers 404). */
  handles(pathname: string): boolean {
    const service = parsePath(pathname)?.service;
    return service !== undefined && this.#services.has(service);
  }

  /** Answers one request; `context` comes from the API-key middleware. */
  async serve(req: IncomingMessage, res: ServerResponse, context: TwirpCallContext): Promise<void> {
    const pathname = new URL(req.url ?? '/', 'http://loopback').pathname;
    const route = `${req.method ?? ''} ${pathname}`;
    const parsed = parsePath(pathname);
    const methods = parsed === undefined ? undefined : this.#services.get(parsed.service);
    if (parsed === undefined || methods === undefined) {
      writeError(res, badRoute(`no handler for path "${pathname}"`, route));
      return;
    }
    if (req.method !== 'POST') {
      writeError(res, badRoute(`unsupported method "${req.method}" (only POST is allowed)`, route));
      return;
    }
    const method = Object.hasOwn(methods, parsed.method) ? methods[parsed.method] : undefined;
    if (method === undefined) {
      writeError(res, badRoute(`no handler for path "${pathname}"`, route));
      return;
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/json' && contentType !== 'application/protobuf') {
      writeError(
        res,
        badRoute(`unexpected Content-Type: "${req.headers['content-type'] ?? ''}"`, route),
      );
      return;
    }
    const raw = await readBody(req);
    let request: AnyMessage;
    let body: JsonValue;
    try {
      if (contentType === 'application/json') {
        body = JSON.parse(raw.toString('utf8')) as JsonValue;
        request = method.input.fromJson(body, { ignoreUnknownFields: true });
      } else {
        request = method.input.fromBinary(raw);
        body = request.toJson();
      }
    } catch {
      const msg =
        contentType === 'application/json'
          ? 'the json request could not be decoded'
          : 'the protobuf request could not be decoded';
      writeError(res, new TwirpServerError('malformed', msg));
      return;
    }

    const record: RecordedTwirpRequest = {
      service: parsed.service,
      method: parsed.method,
      body,
      apiKey: context.apiKey,
      grants: context.claims,
      status: null,
      errorCode: undefined,
      injected: undefined,
      receivedAt: new Date(),
    };
    this.#requests.push(record);

    const fault = this.#faults.take(parsed.service, parsed.method);
    if (fault.stallMs > 0) {
      record.injected = 'stall';
      await sleep(fault.stallMs);
    }
    if (fault.failure !== undefined) {
      record.injected = 'fail';
      finish(record, writeError(res, fault.failure));
      return;
    }

    try {
      const response = await method.handle(request, context);
      if (contentType === 'application/protobuf') {
        finish(record, write(res, 200, 'application/protobuf', Buffer.from(response.toBinary())));
      } else {
        const json = toTwirpJson(response);
        finish(record, write(res, 200, 'application/json', Buffer.from(JSON.stringify(json))));
      }
    } catch (error) {
      const twirpError =
        error instanceof TwirpServerError
          ? error
          : new TwirpServerError(
              'internal',
              error instanceof Error ? error.message : String(error),
            );
      finish(record, writeError(res, twirpError));
    }
  }
}

function parsePath(pathname: string): { service: string; method: string } | undefined {
  const match = /^(.*)\/([^/]+)\.([^/.]+)\/([^/]+)$/.exec(pathname);
  if (match === null || match[1] !== TWIRP_PREFIX || match[2] !== PACKAGE) return undefined;
  return { service: match[3] ?? '', method: match[4] ?? '' };
}

function badRoute(msg: string, route: string): TwirpServerError {
  return new TwirpServerError('bad_route', msg, { meta: { twirp_invalid_route: route } });
}

function finish(record: RecordedTwirpRequest, answer: { status: number; code?: string }): void {
  record.status = answer.status;
  record.errorCode = answer.code;
}

function writeError(
  res: ServerResponse,
  error: TwirpServerError,
): { status: number; code: string } {
  write(res, error.status, 'application/json', Buffer.from(JSON.stringify(error.toJson())));
  return { status: error.status, code: error.code };
}

function write(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: Buffer,
): { status: number } {
  if (!res.headersSent && !res.destroyed) {
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': body.length });
    res.end(body);
  }
  return { status };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
