import { describe, expect, it } from 'vitest';
import { extractTimeMs, utcTimestampMs } from './line-time.js';

const bytes = (text: string) => Buffer.from(text, 'latin1');
const fast = (text: string) => utcTimestampMs(bytes(text), 0, text.length, true);
const slow = (text: string) => Date.parse(text.replace(',', '.'));

const SEEDS = [
  '2024-05-20T10:13:21.082Z',
  '2024-05-20 10:13:21Z',
  '2024-05-20T10:13:21,5Z',
  '2024-12-28T23:59:59.999999999Z',
  '1999-01-01T00:00:00.1Z',
  '2024-05-20T10:13:21.0829Z',
];

describe('utcTimestampMs', () => {
  it('reads the common UTC shapes from bytes, equal to Date.parse', () => {
    for (const seed of SEEDS) expect(fast(seed), seed).toBe(slow(seed));
  });

  it('leaves every other shape to Date.parse (NaN)', () => {
    for (const text of [
      '2024-05-20T10:13:21.082', // local time
      '2024-05-20T10:13:21+02:00', // offset
      '2024-02-30T10:13:21Z', // Date.parse rolls it over to March
      '2024-05-20T24:00:00Z',
      '2024-05-20T10:13:60Z',
      '2024-05-20T10:13:21.Z',
      '2024-05-20T10:13:21.0123456789Z', // ten fraction digits
      '0099-05-20T10:13:21Z', // Date.UTC maps years below 100 to 19xx
      '2024-5-20T10:13:21Z',
      '2024-05-20T10:13:21ZZ', // not the whole field
    ]) {
      expect(fast(text), text).toBeNaN();
    }
  });

  it('reads a leading timestamp when the field need not end there', () => {
    const line = '2024-05-20T10:13:21.082Z ERROR boom';
    expect(utcTimestampMs(bytes(line), 0, line.length, false)).toBe(
      Date.parse('2024-05-20T10:13:21.082Z'),
    );
  });

  it('never disagrees with Date.parse on 20,000 mutated timestamps', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const alphabet = '0123456789-:TZ .,+';
    let readFast = 0;
    for (let n = 0; n < 20_000; n++) {
      const chars = [...(SEEDS[n % SEEDS.length] as string)];
      for (let edits = 1 + Math.floor(random() * 2); edits > 0; edits--) {
        const at = Math.floor(random() * chars.length);
        chars[at] = alphabet[Math.floor(random() * alphabet.length)] as string;
      }
      const text = chars.join('');
      const value = fast(text);
      if (Number.isNaN(value)) continue;
      readFast++;
      expect(value, text).toBe(slow(text));
    }
    expect(readFast).toBeGreaterThan(3_000); // the fast path is really taken
  });
});

describe('extractTimeMs', () => {
  const time = (line: string) => extractTimeMs(bytes(line), 0, line.length);

  it('reads zap seconds, pino milliseconds, ISO strings and leading text timestamps', () => {
    expect(time('{"level":"warn","ts":1716200001.508,"msg":"x"}')).toBe(1716200001508);
    expect(time('{"level":50,"time":1716200001609,"msg":"x"}')).toBe(1716200001609);
    expect(time('{"level":"error","ts":"2024-05-20T10:13:21.082Z","msg":"x"}')).toBe(
      Date.parse('2024-05-20T10:13:21.082Z'),
    );
    expect(time('{"level":"error","ts":"2024-05-20T10:13:21,250Z","msg":"x"}')).toBe(
      Date.parse('2024-05-20T10:13:21.250Z'), // ISO 8601's decimal comma, which Date.parse refuses
    );
    expect(time('{"msg":"x","time":"2024-05-20T10:13:21+02:00"}')).toBe(
      Date.parse('2024-05-20T10:13:21+02:00'),
    );
    expect(time('2024-05-20T10:13:21.082Z\tWARN\tlivekit\tno worker')).toBe(
      Date.parse('2024-05-20T10:13:21.082Z'),
    );
    expect(time('[2024-05-20 10:13:21,250Z] ERROR boom')).toBe(
      Date.parse('2024-05-20T10:13:21.250Z'),
    );
    expect(time('2024-05-20 10:13:21 ERROR local time')).toBe(Date.parse('2024-05-20 10:13:21'));
    expect(time('ERROR no time here')).toBeUndefined();
  });
});
