import { createHash } from 'node:crypto';
import type { JsonValue, PartialMessage } from '@bufbuild/protobuf';
import { WebhookEvent } from '@livekit/protocol';
import { newLiveKitId } from './ids.js';
import { signHs256Jwt } from './jwt.js';

/** How long the server's webhook tokens are valid (webhook.URLNotifier: 5 minutes). */
const WEBHOOK_TOKEN_TTL_S = 5 * 60;
/** Content type livekit-server posts webhooks with. */
export const WEBHOOK_CONTENT_TYPE = 'application/webhook+json';

/** An event to send: a `WebhookEvent` or its fields; `id` and `createdAt` are filled in if absent. */
export type WebhookEventInput = WebhookEvent | (PartialMessage<WebhookEvent> & { event: string });

/** Signing and delivery options, including the faults a receiver must reject. */
export interface SendWebhookOptions {
  apiKey: string;
  apiSecret: string;
  /** Sign with this secret instead of `apiSecret` (a receiver with the real secret must reject). */
  signingSecret?: string;
  /** Change the body after signing (the `sha256` claim no longer matches). */
  tamperBody?: boolean;
  /** Sign a token that expired 10 minutes ago (beyond any receiver's clock tolerance). */
  expired?: boolean;
  /** `raw` (what the server sends), `bearer` (`Bearer <jwt>`), or `missing` (no header). */
  authorization?: 'raw' | 'bearer' | 'missing';
  /**
   * `protojson` (default) writes `, ` between members, as Go's protojson does in many builds, so a
   * receiver that re-serializes the JSON before checking the hash fails; `compact` writes none.
   */
  spacing?: 'protojson' | 'compact';
  /** Abort the POST after this long; default 10 s. */
  timeoutMs?: number;
}

/** One POST of a webhook and its answer. */
export interface WebhookDelivery {
  url: string;
  event: WebhookEvent;
  /** The exact bytes posted. */
  body: string;
  /** The `Authorization` header sent, if any. */
  authorization: string | undefined;
  /** HTTP status, or 0 when the request failed (connection refused, timeout). */
  status: number;
  responseBody: string;
  /** The transport error, when `status` is 0. */
  error: Error | undefined;
  /** Posts the identical bytes and headers again (a duplicate delivery). */
  resend(): Promise<WebhookDelivery>;
}

/** Completes an event as the server does: `id` `EV_...`, `createdAt` in unix seconds. */
export function buildWebhookEvent(input: WebhookEventInput): WebhookEvent {
  const event = input instanceof WebhookEvent ? input.clone() : new WebhookEvent(input);
  if (event.id === '') event.id = newLiveKitId('EV_');
  if (event.createdAt === 0n) event.createdAt = BigInt(Math.floor(Date.now() / 1000));
  return event;
}

/** The event's JSON as livekit-server writes it: protobuf JSON, camelCase, defaults omitted. */
export function encodeWebhookBody(
  event: WebhookEvent,
  spacing: 'protojson' | 'compact' = 'protojson',
): string {
  const json = event.toJson();
  return spacing === 'compact' ? JSON.stringify(json) : stringifyWithSpacing(json);
}

/**
 * The `Authorization` value for a body: an HS256 JWT with `iss`, `iat`, `nbf`, `exp` (+5 min) and
 * `sha256` = base64(SHA-256(body)), as webhook.URLNotifier signs it.
 */
export function signWebhookBody(
  body: string,
  apiKey: string,
  apiSecret: string,
  options: { expired?: boolean } = {},
): string {
  const sha256 = createHash('sha256').update(body, 'utf8').digest('base64');
  const now = Math.floor(Date.now() / 1000) - (options.expired === true ? 20 * 60 : 0);
  return signHs256Jwt(
    { iss: apiKey, iat: now, nbf: now, exp: now + WEBHOOK_TOKEN_TTL_S, sha256 },
    apiSecret,
  );
}

/** A signed webhook request, ready to post or to hand to `app.inject()`. */
export interface SignedWebhook {
  event: WebhookEvent;
  /** The exact body bytes. */
  body: string;
  /** The `Authorization` value, or undefined for the `missing` fault. */
  authorization: string | undefined;
  /** `Content-Type` and, unless missing, `Authorization`. */
  headers: Record<string, string>;
}

/** Builds and signs one webhook as livekit-server does, or with one of the faults in `options`. */
export function createSignedWebhook(
  input: WebhookEventInput,
  options: Omit<SendWebhookOptions, 'timeoutMs'>,
): SignedWebhook {
  const event = buildWebhookEvent(input);
  const signedBody = encodeWebhookBody(event, options.spacing);
  const token = signWebhookBody(
    signedBody,
    options.apiKey,
    options.signingSecret ?? options.apiSecret,
    { expired: options.expired === true },
  );
  const body = options.tamperBody === true ? tamper(signedBody, options.spacing) : signedBody;
  const mode = options.authorization ?? 'raw';
  const authorization =
    mode === 'missing' ? undefined : mode === 'bearer' ? `Bearer ${token}` : token;
  const headers: Record<string, string> = {
    'Content-Type': WEBHOOK_CONTENT_TYPE,
    'User-Agent': 'LiveKit',
  };
  if (authorization !== undefined) headers.Authorization = authorization;
  return { event, body, authorization, headers };
}

/**
 * Builds, signs and POSTs one webhook to `targetUrl` exactly as livekit-server does
 * (`Content-Type: application/webhook+json`, `Authorization: <raw JWT>`), or with one of the
 * faults in `options`. Never throws for HTTP or transport failures: they are in the result.
 */
export function sendWebhook(
  targetUrl: string,
  input: WebhookEventInput,
  options: SendWebhookOptions,
): Promise<WebhookDelivery> {
  const signed = createSignedWebhook(input, options);
  return post(targetUrl, signed, options.timeoutMs ?? 10_000);
}

async function post(
  url: string,
  signed: SignedWebhook,
  timeoutMs: number,
): Promise<WebhookDelivery> {
  const delivery = {
    url,
    event: signed.event,
    body: signed.body,
    authorization: signed.authorization,
    resend: () => post(url, signed, timeoutMs),
  };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const responseBody = await response.text();
    return { ...delivery, status: response.status, responseBody, error: undefined };
  } catch (error) {
    const cause = error instanceof Error ? error : new Error(String(error));
    return { ...delivery, status: 0, responseBody: '', error: cause };
  }
}

/** A different but valid event: a new id, as a replay with a forged id would carry. */
function tamper(body: string, spacing: 'protojson' | 'compact' | undefined): string {
  const event = WebhookEvent.fromJsonString(body);
  event.id = newLiveKitId('EV_');
  return encodeWebhookBody(event, spacing);
}

function stringifyWithSpacing(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(stringifyWithSpacing).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).map(
      ([key, member]) => `${JSON.stringify(key)}:${stringifyWithSpacing(member)}`,
    );
    return `{${members.join(', ')}}`;
  }
  return JSON.stringify(value);
}
