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

describe('a session through its whole life', () => {
  it('follows LiveKit’s own webhooks from creation to the end of the room', async () => {
    const livekit = await startLoopbackLiveKit();
    const server = await startServer(
      testEnv({
        ...livekitEnvFor(livekit),
        ...PROVIDER_KEYS,
        SUPABASE_JWT_SECRET: SUPABASE_SECRET,
      }),
      createLogger({ name: 'test', level: 'silent' }),
    );
    livekit.webhooks.setUrls([`${server.url}/v1/webhooks/livekit`]);
    try {
      const token = await signUserToken(randomUUID());
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const call = async <T = Record<string, unknown>>(
        method: string,
        path: string,
        body?: unknown,
      ): Promise<T> => {
        const response = await fetch(`${server.url}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return (await response.json()) as T;
      };
      const agent = await call<{ id: string }>('POST', '/v1/agents', { definition: definition() });
      await fetch(`${server.url}/v1/agents/${agent.id}/publish`, {
        method: 'POST',
        headers: { authorization: headers.authorization },
      });
      const joined = await call<{ sessionId: string; roomName: string }>('POST', '/v1/sessions', {
        agentId: agent.id,
      });

      await livekit.settle();
      expect(await call('GET', `/v1/sessions/${joined.sessionId}`)).toMatchObject({
        status: 'active',
        participantCount: 0,
      });

      livekit.addParticipant(joined.roomName, { identity: 'caller' });
      livekit.addParticipant(joined.roomName, { identity: 'agent-spawner', kind: 4 });
      await livekit.settle();
      expect((await call('GET', `/v1/sessions/${joined.sessionId}`)).participantCount).toBe(2);

      livekit.removeParticipant(joined.roomName, 'caller');
      livekit.finishRoom(joined.roomName);
      await livekit.settle();
      const ended = await call<{ durationSeconds: number }>(
        'GET',
        `/v1/sessions/${joined.sessionId}`,
      );
      expect(ended).toMatchObject({ status: 'ended', endReason: 'room_finished' });
      expect(ended.durationSeconds).toBeGreaterThanOrEqual(0);

      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(
        /voxie_webhook_events_total\{event="room_started",outcome="stored"\} 1/,
      );
      expect(metrics).toMatch(
        /voxie_webhook_events_total\{event="room_finished",outcome="stored"\} 1/,
      );
    } finally {
      await server.stop();
      await livekit.close();
    }
  });
});
