import { describe, expect, it } from 'vitest';
import { compileLineIndex } from '../../scripts/compile-line-index.js';
import { LineIndex } from './line-index.js';
import { LINE_INDEX_WASM_BASE64 } from './line-index-wasm.js';
import { isCandidateLine } from './line-scanner.js';

/** Lines of every shape the scanner knows, routine and not. */
const SEEDS = [
  '{"level":"info","ts":1716200000.006,"logger":"livekit","msg":"starting RTC session"}',
  '{"level":"debug","ts":1,"msg":"mediaTrack published"}',
  '{"level":"warn","ts":2,"msg":"failed to notify webhook"}',
  '{"level":"WARNING","msg":"upper"}',
  '{"level":"error","ts":3,"msg":"boom"}',
  '{"level":"Error","msg":"mixed"}',
  '{"level":"fatal","msg":"x"}',
  '{"level":"critical","msg":"x"}',
  '{"level":"panic","msg":"x"}',
  '{"level":"dpanic","msg":"x"}',
  '{"level":"DPANIC","msg":"x"}',
  '{"level":"debugging","msg":"x"}',
  '{"level": "info","msg":"space"}',
  '{"level": "error","msg":"space"}',
  '{"level":10,"time":1,"msg":"trace"}',
  '{"level":20,"time":1,"msg":"debug"}',
  '{"level":30,"time":1,"msg":"info"}',
  '{"level":40,"time":1,"msg":"warn"}',
  '{"level":50,"time":1,"msg":"error"}',
  '{"level":60,"time":1,"msg":"fatal"}',
  '{"level":null,"msg":"x"}',
  '{"label":"error","msg":"not a level key"}',
  '{"msg":"no level here","ts":7}',
  '{"ts":8,"level":"error","msg":"level not first"}',
  '  {"level":"error","msg":"indented"}',
  '{"level":"',
  '{"level":',
  '{',
  '2024-05-20T10:13:20.006Z INFO  control-api request completed {"statusCode":201}',
  '2024-05-20T10:13:20.006Z DEBUG control-api detail',
  '2024-05-20T10:00:01Z ERROR something failed',
  '2024-05-20T10:00:01Z error something failed',
  '2024-05-20T10:00:01Z WARN slow',
  '2024-05-20T10:00:01Z WARNING slow',
  '2024-05-20T10:00:01Z INFO error-handler registered',
  '2024-05-20T10:00:01Z INFO control-api ok',
  '2024-05-20T10:00:01Z INFO critical path ok',
  '2024-05-20 10:04:00,123 - livekit.agents - ERROR - process exited',
  '2024-05-20 10:04:00,123 - livekit.agents - INFO - process started',
  '2024-05-20T10:00:01Z level=error msg="bad"',
  '2024-05-20T10:00:01Z lvl=info msg="fine"',
  '2024-05-20T10:00:01Z Level=error msg="bad"',
  '[2024-05-20 10:00:01] [error] disk full',
  '[2024-05-20 10:00:01] [info] disk fine',
  '12:00:01 | fatal | crash',
  '1716200000 info plain',
  `2024-05-20T10:00:01Z ${' '.repeat(70)}ERROR far away`,
  '2024-05-20T10:00:01.123456789+02:00 panic: runtime error',
  'TwirpError: permissions denied',
  'Error: connect ECONNREFUSED',
  '    at WebhookReceiver.receive (/app/node_modules/livekit-server-sdk/dist/WebhookReceiver.js:40:13)',
  'ERROR plain start',
  'info plain start',
  '',
  ' ',
  '7',
];

/** Seeds with characters replaced, dropped and duplicated at random: shapes nobody wrote down. */
function mutants(count: number): string[] {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const alphabet = '{}":, \t\r0123456789eEwWfFcCpPrRaAlLiIdD-_.TZ[]|=';
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let line = SEEDS[Math.floor(random() * SEEDS.length)] as string;
    const edits = 1 + Math.floor(random() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * (Math.min(line.length, 40) + 1));
      const c = alphabet[Math.floor(random() * alphabet.length)] as string;
      const op = random();
      if (op < 0.4) line = line.slice(0, at) + c + line.slice(at + 1);
      else if (op < 0.7) line = line.slice(0, at) + c + line.slice(at);
      else line = line.slice(0, at) + line.slice(at + 1);
    }
    out.push(line.replaceAll('\n', ''));
  }
  return out;
}

/** The lines the index hands to JavaScript, as indexes into `lines`. */
function passedOn(lines: string[]): Set<number> {
  const text = `${lines.join('\n')}\n`;
  const bytes = Buffer.byteLength(text);
  const index = new LineIndex(bytes);
  const buf = index.buffer(bytes);
  buf.write(text);
  const starts = new Map<number, number>();
  let offset = 0;
  lines.forEach((line, i) => {
    starts.set(offset, i);
    offset += Buffer.byteLength(line) + 1;
  });
  const passed = new Set<number>();
  const { lines: seen, resume } = index.scan(buf, 0, bytes, (start) => {
    passed.add(starts.get(start) as number);
  });
  expect(seen).toBe(lines.length);
  expect(resume).toBe(bytes);
  return passed;
}

function isCandidate(line: string): boolean {
  const buf = Buffer.from(line.endsWith('\r') ? line.slice(0, -1) : line);
  return buf.length > 0 && isCandidateLine(buf, 0, buf.length);
}

describe('LineIndex', () => {
  it('is built from wasm/line-index.wat as committed (run build:wasm after editing it)', async () => {
    expect((await compileLineIndex()).toString('base64')).toBe(LINE_INDEX_WASM_BASE64);
  });

  it('never drops a line that isCandidateLine keeps, on known and mutated shapes', () => {
    const lines = [...SEEDS, ...mutants(30_000)];
    const passed = passedOn(lines);
    const dropped = lines.filter((line, i) => !passed.has(i) && isCandidate(line));
    expect(dropped).toEqual([]);
  });

  it('drops routine JSON and timestamped text lines, so JavaScript never sees them', () => {
    const routine = [0, 1, 12, 14, 15, 16, 28, 29, 35];
    const passed = passedOn(SEEDS);
    expect(routine.filter((i) => passed.has(i)).map((i) => SEEDS[i])).toEqual([]);
    // the mutants are mostly routine too, so the filter does real work
    const mutated = mutants(2_000);
    expect(passedOn(mutated).size).toBeLessThan(mutated.length);
  });

  it('hands lines out in order across many calls when more lines end than fit in one', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `x${i}`);
    const passed = passedOn(lines);
    expect(passed.size).toBe(lines.length);
  });
});
