import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AgentWorkerHub } from './agent-worker-hub.js';
import { authenticateApiRequest } from './api-key-auth.js';
import type { TwirpRouter } from './twirp-router.js';

/**
 * The HTTP side of the loopback, in livekit-server's order: the API-key middleware first (a bad
 * token is a plain-text 401 whatever the path), then Twirp routes, `/` health, and 404 for the rest.
 */
export async function handleHttp(
  req: IncomingMessage,
  res: ServerResponse,
  router: TwirpRouter,
  keys: ReadonlyMap<string, string>,
): Promise<void> {
  const pathname = new URL(req.url ?? '/', 'http://loopback').pathname;
  // The API-key middleware runs before routing, for every path.
  const auth = await authenticateApiRequest(req, keys);
  if (auth.kind === 'rejected') {
    writeText(res, auth.status, auth.text);
    return;
  }
  if (router.handles(pathname)) {
    const context =
      auth.kind === 'authenticated'
        ? { apiKey: auth.apiKey, claims: auth.claims }
        : { apiKey: undefined, claims: undefined };
    await router.serve(req, res, context);
    return;
  }
  if (pathname === '/') {
    writeText(res, 200, 'OK');
    return;
  }
  // /agent without an upgrade, and any unknown path.
  writeText(res, 404, pathname === '/agent' ? '' : '404 page not found\n');
}

/**
 * Websocket upgrades: only `/agent`, and only with a verified token carrying `video.agent`
 * (otherwise 401 "no permissions to access the room", as the server's AgentSocketUpgrader).
 */
export async function handleUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  hub: AgentWorkerHub,
  keys: ReadonlyMap<string, string>,
): Promise<void> {
  const pathname = new URL(req.url ?? '/', 'http://loopback').pathname;
  const auth = await authenticateApiRequest(req, keys);
  if (auth.kind === 'rejected') {
    rejectUpgrade(socket, auth.status, auth.text);
    return;
  }
  if (pathname !== '/agent') {
    rejectUpgrade(socket, 404, '404 page not found\n');
    return;
  }
  if (auth.kind !== 'authenticated' || auth.claims.video?.agent !== true) {
    rejectUpgrade(socket, 401, 'no permissions to access the room');
    return;
  }
  hub.accept(req, socket, head, auth.apiKey);
}

function writeText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  const reason = status === 401 ? 'Unauthorized' : 'Not Found';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}
