import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { createLogger } from '@voxie/config';
import { AgentRepository } from '@voxie/db';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from './server.js';
import { DEMO_OWNER_ID } from './startup/seed-demo-agent.js';
import { testEnv } from './test-env.js';

function capturedLogger() {
  const stream = new PassThrough();
  const lines: Array<Record<string, unknown>> = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  return {
    logger: createLogger({ name: 'control-api', level: 'info', destination: stream }),
    lines,
  };
}

describe('startServer', () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

  it('boots on embedded PGlite, seeds the demo agent once and serves /healthz', async () => {
    const env = testEnv();
    const first = await startServer(env, createLogger({ name: 'test', level: 'silent' }));
    const health = await fetch(`${first.url}/healthz`);
    expect(health.status).toBe(200);
    await first.stop();

    const second = await startServer(env, createLogger({ name: 'test', level: 'silent' }));
    const agents = await new AgentRepository(second.database.db).list(DEMO_OWNER_ID, { limit: 10 });
    expect(agents.items.map((a) => a.name)).toEqual(['Demo receptionist']);
    expect(
      (
        await new AgentRepository(second.database.db).findPublishedForWorker(
          agents.items[0]?.id ?? '',
        )
      )?.version.version,
    ).toBe(1);
    await second.stop();
  });

  it('says which external services are missing and how to provide them', async () => {
    const { logger, lines } = capturedLogger();
    const server = await startServer(testEnv({ LIVEKIT_URL: 'ws://127.0.0.1:1' }), logger);
    await server.stop();
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings.map((w) => w.service)).toEqual(['livekit', 'llm', 'redis', 'supabase']);
    expect(String(warnings[0]?.msg)).toContain('no LiveKit server reachable at ws://127.0.0.1:1');
    expect(String(warnings[0]?.fix)).toContain('livekit-server --dev');
  });

  it('does not complain about services that are there', async () => {
    const livekit = createServer((_req, res) => res.end('OK'));
    servers.push(livekit);
    await new Promise<void>((resolve) => livekit.listen(0, '127.0.0.1', resolve));
    const port = (livekit.address() as AddressInfo).port;
    const { logger, lines } = capturedLogger();
    const server = await startServer(
      testEnv({
        LIVEKIT_URL: `ws://127.0.0.1:${port}`,
        OPENAI_API_KEY: 'sk-test-key-not-real-000000',
        REDIS_URL: 'redis://127.0.0.1:6379',
        SUPABASE_JWT_SECRET: 'x'.repeat(40),
      }),
      logger,
    );
    await server.stop();
    expect(lines.filter((line) => line.level === 40)).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain('sk-test-key-not-real');
  });

  it('fails clearly when the port is taken, leaving nothing open', async () => {
    const blocker = createServer();
    servers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    await expect(
      startServer(testEnv({ PORT: String(port) }), createLogger({ name: 'test', level: 'silent' })),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});
