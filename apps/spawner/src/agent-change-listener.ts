import { AGENT_CHANGES_CHANNEL } from '@voxie/agent-core';
import type { Logger } from '@voxie/config';
import pg from 'pg';

export interface AgentChangeListener {
  /** Resolves once the first LISTEN is in place. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Keeps a dedicated Postgres connection LISTENing on {@link AGENT_CHANGES_CHANNEL} and calls
 * `onChange(agentId)` for every notification. On a lost connection it reconnects with backoff
 * and calls `onReset()` (notifications sent meanwhile are lost, so caches must start over).
 */
export function listenForAgentChanges(options: {
  url: string;
  logger: Logger;
  onChange: (agentId: string) => void;
  onReset: () => void;
}): AgentChangeListener {
  let client: pg.Client | undefined;
  let closed = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const connect = async () => {
    const next = new pg.Client({ connectionString: options.url });
    next.on('notification', (message) => {
      if (message.channel === AGENT_CHANGES_CHANNEL && message.payload) {
        options.onChange(message.payload);
      }
    });
    next.on('error', () => scheduleReconnect(next));
    next.on('end', () => scheduleReconnect(next));
    try {
      await next.connect();
      await next.query(`LISTEN ${AGENT_CHANGES_CHANNEL}`);
      client = next;
      if (attempt > 0) {
        options.logger.info(
          { event: 'agent_changes.reconnected' },
          'listening for agent changes again',
        );
        options.onReset();
      }
      attempt = 0;
      markReady();
    } catch (error) {
      options.logger.warn({ err: error }, 'cannot listen for agent changes; retrying');
      scheduleReconnect(next);
    }
  };

  const scheduleReconnect = (failed: pg.Client) => {
    if (closed || timer || (client !== undefined && client !== failed)) return;
    client = undefined;
    failed.removeAllListeners('end');
    failed.end().catch(() => {});
    attempt++;
    timer = setTimeout(
      () => {
        timer = undefined;
        void connect();
      },
      Math.min(30_000, 250 * 2 ** Math.min(attempt, 7)),
    );
    timer.unref();
  };

  void connect();
  return {
    ready,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const current = client;
      client = undefined;
      current?.removeAllListeners('end');
      await current?.end().catch(() => {});
    },
  };
}
