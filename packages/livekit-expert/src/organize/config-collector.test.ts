import { describe, expect, it } from 'vitest';
import { redactEnv, redactYaml } from './config-collector.js';

describe('redactYaml', () => {
  it('masks every value of a keys: block and secret-named fields, keeping structure and comments', () => {
    const yaml = [
      'keys:',
      '  APIaaa111: s3cr3t-one',
      '  APIbbb222: s3cr3t-two # rotated',
      'webhook:',
      '  api_key: APIaaa111',
      '  urls:',
      '    - https://h.example.com/hook?token=abc123&x=1',
      'redis:',
      '  address: redis://user:hunter2@redis:6379',
      '  password: hunter3',
      'rtc:',
      '  use_external_ip: true',
    ].join('\n');
    const out = redactYaml(yaml);
    for (const secret of ['s3cr3t-one', 's3cr3t-two', 'abc123', 'hunter2', 'hunter3'])
      expect(out).not.toContain(secret);
    expect(out).toContain('  APIbbb222: [redacted] # rotated');
    expect(out).toContain('  api_key: [redacted]');
    expect(out).toContain('x=1');
    expect(out).toContain('  use_external_ip: true');
    expect(out.split('\n')).toHaveLength(12);
  });

  it('stops treating lines as keys once the keys: block ends', () => {
    const out = redactYaml('keys:\n  k: v\nport: 7880\n');
    expect(out).toContain('port: 7880');
  });
});

describe('redactEnv', () => {
  it('masks secret variables and passwords in URLs, keeps the rest', () => {
    const out = redactEnv(
      [
        'LIVEKIT_URL=wss://lk.example.com',
        'LIVEKIT_API_SECRET=abcdef',
        'export OPENAI_API_KEY="sk-xyz"',
        'LIVEKIT_KEYS="APIa: secret"',
        'REDIS=redis://:pw123@r:6379',
        'AWS_ACCESS_KEY=AKIA1',
        'LOG_LEVEL=debug',
      ].join('\n'),
    );
    for (const secret of ['abcdef', 'sk-xyz', 'APIa: secret', 'pw123', 'AKIA1'])
      expect(out).not.toContain(secret);
    expect(out).toContain('LIVEKIT_URL=wss://lk.example.com');
    expect(out).toContain('LOG_LEVEL=debug');
  });
});
