import { describe, expect, it } from 'vitest';
import { parseLogLine } from './log-record.js';

describe('parseLogLine', () => {
  it('reads livekit-server zap JSON: msg, level, error, epoch-seconds ts, room', () => {
    const record = parseLogLine(
      '{"level":"warn","ts":1716200200.003,"logger":"livekit","caller":"telemetry/events.go:41","msg":"failed to notify webhook","error":"connection refused","room":"r1"}',
    );
    expect(record).toEqual({
      format: 'livekit-server',
      level: 'warn',
      message: 'failed to notify webhook',
      error: 'connection refused',
      time: '2024-05-20T10:16:40.003Z',
      room: 'r1',
    });
  });

  it('reads agents pino JSON with numeric levels and error objects', () => {
    const record = parseLogLine(
      '{"level":50,"time":1716200130000,"pid":1,"hostname":"h","err":{"type":"APIStatusError","message":"Rate limit"},"msg":"AgentSession is closing due to an unrecoverable error"}',
    );
    expect(record?.format).toBe('agents-pino');
    expect(record?.level).toBe('error');
    expect(record?.error).toBe('APIStatusError: Rate limit');
    expect(record?.time).toBe('2024-05-20T10:15:30.000Z');
  });

  it('reads Python JSON logs and plain-text formats', () => {
    expect(
      parseLogLine('{"message":"process exiting","level":"ERROR","name":"livekit.agents"}'),
    ).toMatchObject({
      format: 'python-json',
      level: 'error',
      message: 'process exiting',
    });
    expect(
      parseLogLine(
        '2024-05-20T10:05:00.000Z\tWARN\tlivekit\tservice/agentservice.go:415\tno worker available to handle job\t{"error": "no response from servers"}',
      ),
    ).toMatchObject({
      format: 'text',
      level: 'warn',
      message: 'no worker available to handle job',
      error: 'no response from servers',
    });
    expect(
      parseLogLine('2024-05-20 10:04:00,123 - ERROR livekit.agents - failed to connect'),
    ).toMatchObject({
      level: 'error',
      message: 'failed to connect',
    });
    expect(parseLogLine('ConnectionError: could not establish pc connection')).toMatchObject({
      level: 'error',
    });
    expect(parseLogLine('    at WebhookReceiver.receive (/app/x.js:42:15)')).toBeUndefined();
    expect(parseLogLine('')).toBeUndefined();
  });
});
