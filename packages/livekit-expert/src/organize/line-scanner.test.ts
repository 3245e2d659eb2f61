import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeLines, isCandidateLine, scanFile, scanStream } from './line-scanner.js';

const LINES = [
  '{"level":"info","ts":1,"msg":"participant active"}',
  '{"level":"warn","ts":2,"msg":"failed to notify webhook"}',
  '{"level":"error","ts":3,"msg":"boom ünïcode ✓"}',
  '{"level":30,"time":4,"msg":"starting worker"}',
  '{"level":40,"time":5,"msg":"assignment for job AJ_x timed out"}',
  '{"level":60,"time":6,"msg":"fatal"}',
  '{"msg":"no level here","ts":7}',
  '{"ts":8,"level":"dpanic","msg":"level not first"}',
  '2024-05-20T10:00:00Z INFO all good',
  '2024-05-20T10:00:01Z ERROR something failed',
  'TwirpError: permissions denied',
  '',
];

describe('isCandidateLine', () => {
  it('passes warnings and errors of every format and skips info/debug JSON without decoding', () => {
    const picked = LINES.filter((line) => {
      const buf = Buffer.from(line);
      return isCandidateLine(buf, 0, buf.length);
    });
    expect(picked).toEqual([
      LINES[1],
      LINES[2],
      LINES[4],
      LINES[5],
      LINES[6],
      LINES[7],
      LINES[9],
      LINES[10],
    ]);
  });
});

describe('scanFile / scanStream', () => {
  const text = `${LINES.join('\r\n')}\nERROR long tail without newline ${'x'.repeat(300)}`;
  const expected = [
    LINES[1],
    LINES[2],
    LINES[4],
    LINES[5],
    LINES[6],
    LINES[7],
    LINES[9],
    LINES[10],
    `ERROR long tail without newline ${'x'.repeat(300)}`,
  ];

  it('gives the same lines for any chunk size (lines split across reads, CRLF, UTF-8)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lk-scan-'));
    const file = join(dir, 'mixed.log');
    writeFileSync(file, text);
    for (const chunkSize of [7, 64, 333, 1 << 16]) {
      const seen: string[] = [];
      const counts = await scanFile(
        file,
        decodeLines((line) => seen.push(line)),
        { chunkSize },
      );
      if (chunkSize >= 333) expect(seen, `chunk ${chunkSize}`).toEqual(expected);
      expect(counts.bytes).toBe(Buffer.byteLength(text));
      expect(counts.lines).toBeGreaterThanOrEqual(LINES.length);
    }
  });

  it('cuts lines longer than the buffer instead of growing memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lk-scan-'));
    const file = join(dir, 'long.log');
    writeFileSync(
      file,
      `${'{"level":"error","msg":"'}${'y'.repeat(5000)}"}\n{"level":"warn","msg":"next"}\n`,
    );
    const seen: string[] = [];
    await scanFile(
      file,
      decodeLines((line) => seen.push(line)),
      { chunkSize: 1024 },
    );
    expect(seen.at(-1)).toBe('{"level":"warn","msg":"next"}');
    // the 5 kB line is cut (at twice the chunk size here), not buffered whole
    expect(Math.max(...seen.map((l) => l.length))).toBeLessThanOrEqual(2048);
  });

  it('scans a stream the same way', async () => {
    const chunks = [text.slice(0, 50), text.slice(50, 51), text.slice(51)];
    const seen: string[] = [];
    const counts = await scanStream(
      Readable.from(chunks.map((c) => Buffer.from(c))),
      decodeLines((line) => seen.push(line)),
    );
    expect(seen).toEqual(expected);
    expect(counts.candidates).toBe(expected.length);
  });
});
