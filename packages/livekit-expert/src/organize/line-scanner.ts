import { open } from 'node:fs/promises';

/** Counters kept while scanning; the scanner itself holds no per-line state. */
export interface ScanCounts {
  bytes: number;
  lines: number;
  /** Lines the byte-level pre-filter passed on (warn/error JSON, text with a problem word). */
  candidates: number;
}

/** Called with each candidate line, decoded as UTF-8. */
export type CandidateVisitor = (line: string) => void;

const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;
const QUOTE = 0x22;
const LEVEL_KEY = Buffer.from('"level":');
/** Longest line kept; longer lines are cut (a log line that long is data, not a message). */
const MAX_LINE = 64 * 1024;
const TEXT_PROBLEM =
  /WARN|ERROR|FATAL|CRITICAL|PANIC|[Ww]arn|[Ee]rror|[Ff]atal|[Ee]xception|[Ff]ail|[Dd]enied|[Rr]efused|[Tt]imed out/;

/**
 * Byte-level pre-filter: true when the line may be a warning or error. JSON lines are judged by
 * their `"level":` value without decoding (zap strings, pino numbers); other lines by a problem
 * word in their first 240 bytes. The real decision is made on the parsed record.
 */
export function isCandidateLine(buf: Buffer, start: number, end: number): boolean {
  let a = start;
  while (a < end && (buf[a] === 0x20 || buf[a] === 0x09)) a++;
  if (a >= end) return false;
  if (buf[a] === OPEN_BRACE) {
    let p = -1;
    // zap and pino both write the level first: check the cheap position before searching.
    if (
      end - a > 9 &&
      buf[a + 1] === QUOTE &&
      buf[a + 2] === 0x6c &&
      buf[a + 7] === QUOTE &&
      buf[a + 8] === 0x3a
    ) {
      p = a + 9;
    } else {
      const found = buf.indexOf(LEVEL_KEY, a);
      if (found === -1 || found >= end) return true; // no level key: let the parser decide
      p = found + LEVEL_KEY.length;
    }
    if (buf[p] === 0x20) p++;
    const c = buf[p];
    if (c === QUOTE) {
      const l = (buf[p + 1] ?? 0) | 0x20; // lower-case ASCII
      if (l === 0x77 || l === 0x65 || l === 0x66 || l === 0x63 || l === 0x70) return true; // w e f c p
      if (l === 0x64) return ((buf[p + 2] ?? 0) | 0x20) === 0x70; // dpanic
      return false;
    }
    return c !== undefined && c >= 0x34 && c <= 0x39; // pino 40, 50, 60
  }
  const head = buf.toString('latin1', a, Math.min(end, a + 240));
  return TEXT_PROBLEM.test(head);
}

/**
 * Splits `buf[0, length)` into lines, visits candidates, and returns how many bytes were consumed
 * (a trailing partial line is left for the next chunk unless `final`).
 */
export function scanChunk(
  buf: Buffer,
  length: number,
  final: boolean,
  counts: ScanCounts,
  visit: CandidateVisitor,
): number {
  let start = 0;
  while (start < length) {
    let nl = buf.indexOf(NEWLINE, start);
    if (nl === -1 || nl >= length) {
      if (!final && length - start < buf.length) break;
      nl = length;
    }
    let end = nl;
    if (end > start && buf[end - 1] === 0x0d) end--;
    counts.lines++;
    if (end > start && isCandidateLine(buf, start, end)) {
      counts.candidates++;
      visit(buf.toString('utf8', start, Math.min(end, start + MAX_LINE)));
    }
    start = nl + 1;
  }
  return Math.min(start, length);
}

/**
 * Reads a file in fixed-size chunks (default 1 MiB) and visits candidate lines. Memory stays
 * constant: one buffer, reused; a partial line is moved to its front before the next read.
 */
export async function scanFile(
  path: string,
  visit: CandidateVisitor,
  options: { chunkSize?: number } = {},
): Promise<ScanCounts> {
  const counts: ScanCounts = { bytes: 0, lines: 0, candidates: 0 };
  const buf = Buffer.allocUnsafe(options.chunkSize ?? 1 << 20);
  const handle = await open(path, 'r');
  try {
    let carry = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, carry, buf.length - carry, null);
      counts.bytes += bytesRead;
      const length = carry + bytesRead;
      const final = bytesRead === 0;
      const consumed = scanChunk(buf, length, final, counts, visit);
      carry = length - consumed;
      if (carry > 0) buf.copy(buf, 0, consumed, length);
      if (final) break;
    }
  } finally {
    await handle.close();
  }
  return counts;
}

/** Same as scanFile for a stream (stdin): chunks are appended to one growing-then-reused buffer. */
export async function scanStream(
  stream: AsyncIterable<Buffer | string>,
  visit: CandidateVisitor,
): Promise<ScanCounts> {
  const counts: ScanCounts = { bytes: 0, lines: 0, candidates: 0 };
  let buf = Buffer.allocUnsafe(1 << 16);
  let carry = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    counts.bytes += bytes.length;
    if (carry + bytes.length > buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, carry + bytes.length));
      buf.copy(bigger, 0, 0, carry);
      buf = bigger;
    }
    bytes.copy(buf, carry);
    const length = carry + bytes.length;
    const consumed = scanChunk(buf, length, false, counts, visit);
    carry = length - consumed;
    if (carry > 0) buf.copy(buf, 0, consumed, length);
  }
  scanChunk(buf, carry, true, counts, visit);
  return counts;
}
