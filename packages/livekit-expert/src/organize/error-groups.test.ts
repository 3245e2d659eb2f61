import { describe, expect, it } from 'vitest';
import { ErrorGrouper } from './error-groups.js';
import { LineIndex, shapeHash } from './line-index.js';

const hash = (line: string) => {
  const bytes = Buffer.from(line);
  return shapeHash(bytes, 0, bytes.length);
};

describe('shapeHash', () => {
  it('folds tokens that carry digits, wherever they are in the line', () => {
    expect(hash('dial 10.0.0.7:7881 failed after 3 tries')).toBe(
      hash('dial 192.168.1.20:443 failed after 12 tries'),
    );
    expect(hash('42 retries')).toBe(hash('7 retries'));
    expect(hash('retries left: 42')).toBe(hash('retries left: 7'));
  });

  it('folds LiveKit ids (2 to 4 upper-case letters, then _) but not longer prefixes', () => {
    expect(hash('room RM_abcDEF closed')).toBe(hash('room RM_xyzQRS closed'));
    expect(hash('track SCL_abc lost')).toBe(hash('track SCL_xyz lost'));
    expect(hash('PA_abc')).toBe(hash('PA_xyz'));
    expect(hash('ROOMS_abc closed')).not.toBe(hash('ROOMS_xyz closed'));
    expect(hash('A_B_abc')).not.toBe(hash('A_B_xyz'));
  });

  it('keeps words, separators and their order apart', () => {
    expect(hash('no worker available')).not.toBe(hash('no worker available!'));
    expect(hash('token expired')).not.toBe(hash('token invalid'));
    expect(hash('a b')).not.toBe(hash('b a'));
    expect(hash(' leading')).not.toBe(hash('leading'));
    expect(hash('')).not.toBe(hash(' '));
  });

  it('hashes a byte range of a larger buffer the same as the line alone', () => {
    const line = '{"level":"error","msg":"could not connect","room":"agent-1"}';
    const buf = Buffer.from(`xx\n${line}\nyy`);
    expect(shapeHash(buf, 3, 3 + line.length)).toBe(hash(line));
  });

  it('gives the same hash in place in a line index as for a copy, for long lines too', () => {
    const line = `{"level":"error","msg":"upload failed","id":"TR_${'x'.repeat(70_000)}"}`;
    const index = new LineIndex(80_000);
    const inPlace = index.buffer(80_000);
    const length = inPlace.write(line);
    expect(shapeHash(inPlace, 0, length)).toBe(hash(line));
    expect(hash(line)).toBe(hash(line.replace('TR_', 'PA_')));
    expect(hash(line)).not.toBe(hash(line.replace('upload', 'download')));
  });
});

describe('ErrorGrouper', () => {
  it('groups variants of one error and keeps distinct errors apart', () => {
    const grouper = new ErrorGrouper();
    for (const [room, ip] of [
      ['agent-1', '10.0.0.1'],
      ['agent-2', '10.0.0.2'],
      ['support-9', '172.16.0.3'],
    ])
      grouper.add(
        `{"level":"error","ts":1716200000.1,"msg":"could not dial","error":"dial tcp ${ip}:7881: connection refused","room":"${room}"}`,
        'a.log',
      );
    grouper.add('{"level":"warn","msg":"no worker available to handle job"}', 'a.log');
    grouper.add('{"level":"info","msg":"participant joined"}', 'a.log');
    const groups = grouper.groups();
    expect(groups.map((g) => g.count)).toEqual([3, 1]);
    expect(groups[0]?.rooms).toEqual(['agent-1', 'agent-2', 'support-9']);
    expect(grouper.problemLines).toBe(4);
  });
});

describe('ErrorGrouper times', () => {
  it('reads the time wherever zap and pino put it: right after the level, later, or as a string', () => {
    const grouper = new ErrorGrouper();
    for (const line of [
      '{"level":"error","ts":1716200000.5,"msg":"upload failed"}',
      '{"level":50,"time":1716200001000,"msg":"upload failed"}',
      '{"level":"error","logger":"x","ts":1716199999,"msg":"upload failed"}',
      '{"level":"error","ts":"2024-05-20T10:20:00Z","msg":"upload failed"}',
      '{"level":"error","msg":"upload failed"}',
    ])
      grouper.add(line, 'a.log');
    const [group] = grouper.groups();
    expect(group?.count).toBe(5);
    expect(group?.firstSeen).toBe('2024-05-20T10:13:19.000Z');
    expect(group?.lastSeen).toBe('2024-05-20T10:20:00.000Z');
  });
});
