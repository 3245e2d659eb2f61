// Child process of the control-api benchmark: starts the three servers under test and prints
// their ports as one JSON line. Load comes from the parent process, so servers and load
// generator do not share an event loop.
import { createHash, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@voxie/config';
import { buildApp, loadControlApiEnv } from '@voxie/control-api';
import { ApiKeyRepository, createDatabase, migrateDatabase } from '@voxie/db';
import express from 'express';
import Fastify from 'fastify';
import { AccessToken } from 'livekit-server-sdk';

const apiKey = process.env.BENCH_LIVEKIT_KEY ?? '';
const apiSecret = process.env.BENCH_LIVEKIT_SECRET ?? '';

const env = loadControlApiEnv({
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  LIVEKIT_URL: 'http://127.0.0.1:1',
  LIVEKIT_API_KEY: apiKey,
  LIVEKIT_API_SECRET: apiSecret,
  DATABASE_URL: process.env.BENCH_DATABASE_URL,
  DATABASE_POOL_MAX: '20',
  RATE_LIMIT_MAX: '1000000000',
});
const database = await createDatabase({ url: env.DATABASE_URL, poolMax: env.DATABASE_POOL_MAX });
await migrateDatabase(database);

// (a) the real API: auth with a stored API key, zod validation, token policy, minting, metrics, rate limit.
const key = `vx_${randomBytes(32).toString('base64url')}`;
await new ApiKeyRepository(database.db).create({
  ownerId: '00000000-0000-4000-8000-00000000beef',
  name: 'bench',
  prefix: key.slice(0, 10),
  keyHash: createHash('sha256').update(key).digest('hex'),
  scopes: ['admin'],
});
const api = await buildApp({
  env,
  database,
  logger: createLogger({ name: 'bench', level: 'warn' }),
});
await api.listen({ port: 0, host: '127.0.0.1' });

// (b) the way LiveKit's examples mint tokens (livekit-examples/token-server-node): an Express
// route around the SDK's AccessToken. The example reads no body; this one parses it, so the
// token carries the caller's room and identity like (a)'s.
interface TokenRequest {
  room: string;
  identity: string;
}
async function createSdkToken({ room, identity }: TokenRequest): Promise<string> {
  const token = new AccessToken(apiKey, apiSecret, { identity, ttl: '10m' });
  token.addGrant({ room, roomJoin: true, canPublish: true, canSubscribe: true });
  return token.toJwt();
}
const sdk = express();
sdk.use(express.json());
sdk.post('/token', async (req, res) => {
  res.json({ token: await createSdkToken(req.body as TokenRequest) });
});
const sdkServer = await new Promise<Server>((resolve) => {
  const server = sdk.listen(0, '127.0.0.1', () => resolve(server));
});

// (b') the same SDK route on Fastify, so the report also shows the comparison within one framework.
const sdkFastify = Fastify();
sdkFastify.post('/token', async (request) => ({
  token: await createSdkToken(request.body as TokenRequest),
}));
await sdkFastify.listen({ port: 0, host: '127.0.0.1' });

// (c) nothing at all.
const bare = Fastify();
bare.post('/bare', async () => ({}));
await bare.listen({ port: 0, host: '127.0.0.1' });

const port = (server: Server) => (server.address() as AddressInfo).port;
process.stdout.write(
  `${JSON.stringify({
    api: port(api.server),
    sdk: port(sdkServer),
    sdkFastify: port(sdkFastify.server),
    bare: port(bare.server),
    key,
  })}\n`,
);
process.on('SIGTERM', async () => {
  sdkServer.closeAllConnections();
  await Promise.all([
    api.close(),
    new Promise((resolve) => sdkServer.close(resolve)),
    sdkFastify.close(),
    bare.close(),
  ]);
  await database.close();
  process.exit(0);
});
