// `pnpm bench control-api`: throughput and latency of
//   (a) POST /v1/tokens on the real API (auth, validation, policy, minting; no LiveKit call),
//   (b) a minimal route minting with the SDK's AccessToken, as LiveKit's example token server
//       does it (Express), and (b') the same route on Fastify, the API's own framework,
//   (c) a bare Fastify route returning {},
// all in one run, then webhook ingestion into Postgres (signed events/s, events lost).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  buildWebhookEvent,
  createTestPostgresDatabase,
  encodeWebhookBody,
  signWebhookBody,
} from '@voxie/testkit';
import autocannon from 'autocannon';
import pg from 'pg';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 6);
const CONNECTIONS = 32;
const WEBHOOK_EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 20_000);

const livekitKey = 'APIbench';
const livekitSecret = randomBytes(32).toString('base64url');
const database = await createTestPostgresDatabase('bench_api');
const child = spawn(
  process.execPath,
  ['--conditions=@voxie/source', '--import', 'tsx', join(import.meta.dirname, 'servers.ts')],
  {
    env: {
      ...process.env,
      BENCH_DATABASE_URL: database.url,
      BENCH_LIVEKIT_KEY: livekitKey,
      BENCH_LIVEKIT_SECRET: livekitSecret,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
try {
  const ports = await readPorts(child);
  const tokenBody = JSON.stringify({
    room: 'bench-room',
    identity: 'bench-user',
    grants: { canPublish: true, canSubscribe: true },
  });
  const targets = {
    mint: {
      url: `http://127.0.0.1:${ports.api}/v1/tokens`,
      headers: { authorization: `Bearer ${ports.key}`, 'content-type': 'application/json' },
      body: tokenBody,
    },
    sdk: {
      url: `http://127.0.0.1:${ports.sdk}/token`,
      headers: { 'content-type': 'application/json' },
      body: tokenBody,
    },
    sdkFastify: {
      url: `http://127.0.0.1:${ports.sdkFastify}/token`,
      headers: { 'content-type': 'application/json' },
      body: tokenBody,
    },
    bare: {
      url: `http://127.0.0.1:${ports.bare}/bare`,
      headers: { 'content-type': 'application/json' },
      body: '{}',
    },
  };

  for (const target of Object.values(targets)) await load(target, 2); // warm-up: JIT, pools, key cache
  const results: Partial<Record<keyof typeof targets, LoadResult>> = {};
  // Interleave two rounds so drift on a shared machine affects all routes alike.
  for (let round = 0; round < 2; round++) {
    for (const name of ['mint', 'sdk', 'sdkFastify', 'bare'] as const) {
      const result = await load(targets[name], DURATION_S / 2);
      if (result.non2xx > 0 || result.errors > 0)
        throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      results[name] = merge(results[name], result);
    }
  }
  const webhook = await ingestWebhooks(ports.api);

  const { mint, sdk, sdkFastify, bare } = results;
  if (!mint || !sdk || !sdkFastify || !bare) throw new Error('a route was not measured');
  const figures = {
    bench: 'control-api',
    mint_rps: Math.round(mint.rps),
    sdk_rps: Math.round(sdk.rps),
    bare_rps: Math.round(bare.rps),
    mint_vs_sdk: round2(mint.rps / sdk.rps),
    sdk_fastify_rps: Math.round(sdkFastify.rps),
    mint_vs_sdk_fastify: round2(mint.rps / sdkFastify.rps),
    mint_p50_ms: mint.p50,
    mint_p99_ms: mint.p99,
    sdk_p99_ms: sdk.p99,
    bare_p99_ms: bare.p99,
    webhook_eps: Math.round(webhook.eps),
    webhook_lost: webhook.lost,
  };
  console.log(
    `\ncontrol-api benchmark (${CONNECTIONS} connections, ${DURATION_S}s per route, same run)`,
  );
  console.table({
    '(a) POST /v1/tokens (auth+validation+mint)': {
      'req/s': figures.mint_rps,
      'p50 ms': mint.p50,
      'p99 ms': mint.p99,
      'vs (b)': figures.mint_vs_sdk,
    },
    "(b) SDK AccessToken route, LiveKit's example (Express)": {
      'req/s': figures.sdk_rps,
      'p50 ms': sdk.p50,
      'p99 ms': sdk.p99,
      'vs (b)': 1,
    },
    "(b') the same SDK route on Fastify": {
      'req/s': figures.sdk_fastify_rps,
      'p50 ms': sdkFastify.p50,
      'p99 ms': sdkFastify.p99,
      'vs (b)': round2(sdkFastify.rps / sdk.rps),
    },
    '(c) bare Fastify route returning {}': {
      'req/s': figures.bare_rps,
      'p50 ms': bare.p50,
      'p99 ms': bare.p99,
      'vs (b)': round2(bare.rps / sdk.rps),
    },
  });
  console.table({
    'webhook ingestion into Postgres': {
      events: WEBHOOK_EVENTS,
      'events/s': figures.webhook_eps,
      stored: webhook.stored,
      lost: webhook.lost,
    },
  });
  console.log(
    `targets: mint_vs_sdk >= 1.3 (${figures.mint_vs_sdk >= 1.3 ? 'met' : 'MISSED'}); webhook_eps >= 2000 with 0 lost (${figures.webhook_eps >= 2000 && webhook.lost === 0 ? 'met' : 'MISSED'})`,
  );
  console.log(
    `same SDK route on Fastify (not a target): (a) is ${figures.mint_vs_sdk_fastify}x of (b')`,
  );
  console.log(JSON.stringify(figures));
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  await database.drop();
}

interface Target {
  url: string;
  headers: Record<string, string>;
  body: string;
}

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(target: Target, seconds: number): Promise<LoadResult> {
  const result = await autocannon({
    ...target,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

function merge(previous: LoadResult | undefined, next: LoadResult): LoadResult {
  if (!previous) return next;
  return {
    rps: (previous.rps + next.rps) / 2,
    p50: Math.max(previous.p50, next.p50),
    p99: Math.max(previous.p99, next.p99),
    non2xx: previous.non2xx + next.non2xx,
    errors: previous.errors + next.errors,
  };
}

/** Posts WEBHOOK_EVENTS distinct signed events as LiveKit would, then counts what was stored. */
async function ingestWebhooks(
  port: number,
): Promise<{ eps: number; stored: number; lost: number }> {
  const deliveries = Array.from({ length: WEBHOOK_EVENTS }, (_, i) => {
    const event = buildWebhookEvent({
      event: i % 2 === 0 ? 'participant_joined' : 'participant_left',
      id: `EV_bench_${i}`,
      room: { name: `agent-bench-${i % 500}`, sid: `RM_${i % 500}` },
      participant: { sid: `PA_${i}`, identity: `caller-${i}` },
    });
    const body = encodeWebhookBody(event);
    return { body, authorization: signWebhookBody(body, livekitKey, livekitSecret) };
  });
  let next = 0;
  let failed = 0;
  const started = performance.now();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/v1/webhooks/livekit`,
    method: 'POST',
    connections: CONNECTIONS,
    amount: WEBHOOK_EVENTS,
    requests: [
      {
        setupRequest: (request) => {
          const delivery = deliveries[next++ % deliveries.length] ?? deliveries[0];
          if (!delivery) throw new Error('no webhook deliveries prepared');
          return {
            ...request,
            body: delivery.body,
            headers: {
              'content-type': 'application/webhook+json',
              authorization: delivery.authorization,
            },
          };
        },
        onResponse: (status) => {
          if (status !== 200) failed++;
        },
      },
    ],
  });
  const seconds = (performance.now() - started) / 1000;
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const { rows } = await client.query<{ n: number }>(
    "select count(*)::int as n from webhook_events where id like 'EV_bench_%'",
  );
  await client.end();
  const stored = rows[0]?.n ?? 0;
  if (failed > 0 || result.errors > 0)
    console.warn(
      `webhook deliveries not answered 200: ${failed}, transport errors: ${result.errors}`,
    );
  return { eps: stored / seconds, stored, lost: WEBHOOK_EVENTS - stored };
}

async function readPorts(
  process: ChildProcess,
): Promise<{ api: number; sdk: number; sdkFastify: number; bare: number; key: string }> {
  if (!process.stdout) throw new Error('benchmark servers have no stdout');
  const lines = createInterface({ input: process.stdout });
  for await (const line of lines) {
    if (line.startsWith('{')) return JSON.parse(line);
  }
  throw new Error('benchmark servers did not start');
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
