import { randomUUID } from 'node:crypto';
import { createLogger } from '@voxie/config';
import { startLoopbackLiveKit } from '@voxie/testkit';
import { describe, expect, it } from 'vitest';
import { startServer } from './server.js';
import {
  definition,
  livekitEnvFor,
  PROVIDER_KEYS,
  SUPABASE_SECRET,
  signUserToken,
} from './test-app.js';
import { testEnv } from './test-env.js';

describe('graceful shutdown', () => {
  it('finishes in-flight requests, then refuses new ones', async () => {
    const livekit = await startLoopbackLiveKit();
    const server = await startServer(
      testEnv({
        ...livekitEnvFor(livekit),
        ...PROVIDER_KEYS,
        SUPABASE_JWT_SECRET: SUPABASE_SECRET,
      }),
      createLogger({ name: 'test', level: 'silent' }),
    );
    try {
      const token = await signUserToken(randomUUID());
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const agent = (await (
        await fetch(`${server.url}/v1/agents`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ definition: definition() }),
        })
      ).json()) as { id: string };
      await fetch(`${server.url}/v1/agents/${agent.id}/publish`, {
        method: 'POST',
        headers: { authorization: headers.authorization },
      });

      livekit.stallNext('CreateRoom', 800);
      const inFlight = fetch(`${server.url}/v1/sessions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ agentId: agent.id }),
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const stopping = Date.now();
      const stopped = server.stop();

      const response = await inFlight;
      expect(response.status).toBe(201);
      expect(((await response.json()) as { roomName: string }).roomName).toMatch(/^agent-/);
      await stopped;
      // Well inside the 10 s grace period: nothing waited for idle keep-alive connections.
      expect(Date.now() - stopping).toBeLessThan(5_000);
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    } finally {
      await livekit.close();
    }
  });
});
