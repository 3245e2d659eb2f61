import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const log = createLogger({ name: 'test', destination: stream, level: 'debug' });
  return { log, output: () => chunks.join('') };
}

describe('createLogger', () => {
  it('writes structured JSON lines', () => {
    const { log, output } = capture();
    log.info({ room: 'agent-x', jobId: 'AJ_1' }, 'job accepted');
    const line = JSON.parse(output().trim());
    expect(line).toMatchObject({
      name: 'test',
      msg: 'job accepted',
      room: 'agent-x',
      jobId: 'AJ_1',
    });
  });

  it('redacts secrets under known keys, at any depth, and secret-shaped values anywhere', () => {
    const { log, output } = capture();
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    log.info(
      {
        apiKey: 'lk-key-value-1',
        LIVEKIT_API_SECRET: 'lk-secret-value-2',
        upstream: { headers: { authorization: 'Bearer raw-token-3', 'x-other': 'visible' } },
        nested: [{ deeper: { password: 'pw-value-4', accessToken: 'tok-value-5' } }],
        note: `token is ${jwt}`,
        url: 'postgres://voxie:db-pass-6@db:5432/voxie',
        key: 'vx_abcdefghijklmnop7',
        tokensMinted: 3,
      },
      'configured with Bearer header-token-8',
    );
    const text = output();
    for (const secret of [
      'lk-key-value-1',
      'lk-secret-value-2',
      'raw-token-3',
      'pw-value-4',
      'tok-value-5',
      jwt,
      'db-pass-6',
      'vx_abcdefghijklmnop7',
      'header-token-8',
    ]) {
      expect(text).not.toContain(secret);
    }
    const line = JSON.parse(text.trim());
    expect(line.upstream.headers['x-other']).toBe('visible');
    expect(line.tokensMinted).toBe(3);
    expect(line.url).toBe('postgres://voxie:[redacted]@db:5432/voxie');
  });

  it('redacts secrets inside logged errors and their causes', () => {
    const { log, output } = capture();
    const cause = new Error('upstream said Bearer cause-token-1');
    const error = Object.assign(
      new Error('connect postgres://u:err-pass-2@h/db failed', { cause }),
      {
        code: 'ECONNREFUSED',
        secret: 'attached-secret-3',
      },
    );
    log.error({ err: error }, 'database unreachable');
    const text = output();
    for (const secret of ['cause-token-1', 'err-pass-2', 'attached-secret-3'])
      expect(text).not.toContain(secret);
    const line = JSON.parse(text.trim());
    expect(line.err.message).toContain('failed');
    expect(line.err.code).toBe('ECONNREFUSED');
    expect(line.err.cause.message).toContain('upstream said');
  });

  it('logs HTTP requests without headers or credentials in the query string', () => {
    const { log, output } = capture();
    class FakeRequest {
      method = 'GET';
      url = '/v1/rooms?access_token=abc123secret&limit=5';
      hostname = 'api.local';
      ip = '127.0.0.1';
      headers = { authorization: 'Bearer nope' };
    }
    log.info({ req: new FakeRequest(), res: { statusCode: 200 } }, 'request completed');
    const line = JSON.parse(output().trim());
    expect(line.req).toEqual({
      method: 'GET',
      url: '/v1/rooms?access_token=[redacted]&limit=5',
      host: 'api.local',
      remoteAddress: '127.0.0.1',
    });
    expect(line.res).toEqual({ statusCode: 200 });
    expect(output()).not.toContain('abc123secret');
  });
});
