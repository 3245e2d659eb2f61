import { open } from 'node:fs/promises';
import { LineIndex } from './line-index.js';

/** Counters kept while scanning; the scanner itself holds no per-line state. */
export interface ScanCounts {
  bytes: number;
  lines: number;
  /** Lines the byte-level pre-filter passed on (warn/error JSON, text with a problem word). */
  candidates: number;
}

/**
 * Called with each candidate line as a byte range of `buf` (UTF-8, no line terminator). The
 * range is only valid during the call: the buffer is reused for the next chunk.
 */
export type CandidateVisitor = (buf: Buffer, start: number, end: number) => void;

/** Adapts a string visitor (tests, small inputs) to a CandidateVisitor. */
export function decodeLines(visit: (line: string) => void): CandidateVisitor {
  return (buf, start, end) => visit(buf.toString('utf8', start, end));
}

const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;
const QUOTE = 0x22;
const LEVEL_KEY = Buffer.from('"level":');
/** Longest line kept; longer lines are cut (a log line that long is data, not a message). */
const MAX_LINE = 64 * 1024;
/** Level words looked for near the start of a text line (after the timestamp), in lower case. */
const ERROR_LEVEL = Buffer.from('error');
const WARN_LEVEL = Buffer.from('warn');
const FATAL_LEVEL = Buffer.from('fatal');
const CRITICAL_LEVEL = Buffer.from('critical');
const PANIC_LEVEL = Buffer.from('panic');
/** How far into a text line a level token may start. */
const LEVEL_WINDOW = 64;

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
      // Search this line only: an unbounded native search would rescan the rest of the chunk.
      const found = buf.subarray(a, end).indexOf(LEVEL_KEY);
      if (found === -1) return true; // no level key: let the parser decide
      p = a + found + LEVEL_KEY.length;
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
  return (
    hasTextLevel(buf, a, Math.min(end, a + LEVEL_WINDOW), end) ||
    // a line that starts with a digit (a timestamp) does not start with an exception name
    (!isDigit(buf[a] as number) && startsWithException(buf, a, end))
  );
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** Bytes of a leading timestamp or separator: digits, `-:.,+TZ/`, blanks and brackets. */
const PREFIX_BYTE = (() => {
  const table = new Uint8Array(256);
  for (const c of '0123456789-:.,+TZ/ \t[]()|') table[c.charCodeAt(0)] = 1;
  return table;
})();

/**
 * A level word (ERROR, warn, WARNING, [error], level=error ...) as the first word after the
 * leading timestamp and separators, or as the first word of the line. Text logs put the level
 * there (zap console, Python logging, pino-pretty, most `[time] LEVEL msg` formats); looking only
 * there keeps info lines cheap.
 */
function hasTextLevel(buf: Buffer, start: number, windowEnd: number, lineEnd: number): boolean {
  let i = start;
  while (i < windowEnd && PREFIX_BYTE[buf[i] as number] === 1) i++;
  if (i >= windowEnd) return false;
  // logfmt: level=error / lvl=warn
  if (buf[i] === 0x6c) {
    let j = i + 1;
    while (j < windowEnd && isLetter(buf[j] as number)) j++;
    if (buf[j] === 0x3d) i = j + 1;
  }
  if (matchesLevelWord(buf, i, lineEnd)) return true;
  // Python: `2024-05-20 10:04:00,123 - name - ERROR - msg` has the logger name first.
  let j = i;
  while (j < windowEnd && buf[j] !== 0x20 && buf[j] !== 0x09) j++;
  while (j < windowEnd && PREFIX_BYTE[buf[j] as number] === 1) j++;
  return j < windowEnd && matchesLevelWord(buf, j, lineEnd);
}

/** A level word at `i`, all upper or all lower case (ERROR, warn, WARNING...), then no letter. */
function matchesLevelWord(buf: Buffer, i: number, lineEnd: number): boolean {
  const c = buf[i] as number;
  let word: Buffer;
  switch (c | 0x20) {
    case 0x65:
      word = ERROR_LEVEL;
      break;
    case 0x77:
      word = WARN_LEVEL;
      break;
    case 0x66:
      word = FATAL_LEVEL;
      break;
    case 0x63:
      word = CRITICAL_LEVEL;
      break;
    case 0x70:
      word = PANIC_LEVEL;
      break;
    default:
      return false;
  }
  const length = word.length;
  if (i + length > lineEnd) return false;
  // upper-case letters are 0x20 below their lower-case forms
  const shift = c < 0x61 ? 0x20 : 0;
  for (let j = 0; j < length; j++) if (buf[i + j] !== (word[j] as number) - shift) return false;
  const next = i + length < lineEnd ? (buf[i + length] as number) : 0x20;
  return !isLetter(next) || word === WARN_LEVEL; // WARN/WARNING, warn/warning
}

const ERROR_WORD = Buffer.from('Error');
const EXCEPTION_WORD = Buffer.from('Exception');

function endsWithWord(buf: Buffer, end: number, start: number, word: Buffer): boolean {
  if (end - start < word.length) return false;
  for (let k = 0; k < word.length; k++) if (buf[end - word.length + k] !== word[k]) return false;
  return true;
}

/** `TwirpError: ...`, `Error: ...`, `ValueError: ...`, `Uncaught Error: ...` at the start of the line. */
function startsWithException(buf: Buffer, start: number, end: number): boolean {
  const limit = Math.min(end, start + 80);
  let spaces = 0;
  for (let i = start; i < limit; i++) {
    const c = buf[i] as number;
    if (c === 0x3a)
      return endsWithWord(buf, i, start, ERROR_WORD) || endsWithWord(buf, i, start, EXCEPTION_WORD);
    if (c === 0x20 || c === 0x09) {
      spaces++;
      if (spaces > 1) return false;
    }
  }
  return false;
}

/** Visits `buf[start, newline)` (a carriage return before the newline dropped) if a candidate. */
function takeLine(
  buf: Buffer,
  start: number,
  newline: number,
  counts: ScanCounts,
  visit: CandidateVisitor,
): void {
  let end = newline;
  if (end > start && buf[end - 1] === 0x0d) end--;
  if (end > start && isCandidateLine(buf, start, end)) {
    counts.candidates++;
    visit(buf, start, Math.min(end, start + MAX_LINE));
  }
}

/**
 * Splits `buf[from, length)` into lines, visits candidates, and returns the index of the first
 * byte not consumed: a trailing partial line is left for the next chunk unless `final`.
 * (scanFile finds lines with the WebAssembly line index instead; this serves streams.)
 */
export function scanChunk(
  buf: Buffer,
  length: number,
  final: boolean,
  counts: ScanCounts,
  visit: CandidateVisitor,
  from = 0,
): number {
  let start = from;
  let lines = 0;
  while (start < length) {
    let nl = buf.indexOf(NEWLINE, start);
    if (nl === -1 || nl >= length) {
      if (!final) break;
      nl = length;
    }
    lines++;
    takeLine(buf, start, nl, counts, visit);
    start = nl + 1;
  }
  counts.lines += lines;
  return Math.min(start, length);
}

/** scanChunk through the line index: `buf` must come from `index.buffer()`. */
function scanIndexed(
  index: LineIndex,
  buf: Buffer,
  length: number,
  final: boolean,
  counts: ScanCounts,
  visit: CandidateVisitor,
  from: number,
): number {
  const { lines, resume } = index.scan(buf, from, length, (start, newline) =>
    takeLine(buf, start, newline, counts, visit),
  );
  counts.lines += lines;
  if (!final || resume >= length) return resume;
  counts.lines++;
  takeLine(buf, resume, length, counts, visit);
  return length;
}

/** Buffers scanFile reads into: one being scanned while the others are filled ahead. */
const READ_BUFFERS = 3;

/**
 * Reads a file in fixed-size chunks (default 4 MiB) and visits candidate lines, which the
 * WebAssembly line index finds (routine lines never reach JavaScript). Memory stays constant:
 * three buffers in the index's memory used in turn, so the thread pool copies the next chunks
 * while the current one is scanned. A partial line is copied in front of the next chunk; a line
 * longer than 64 KiB is cut. The file is read up to its end as of the first short read.
 */
export async function scanFile(
  path: string,
  visit: CandidateVisitor,
  options: { chunkSize?: number } = {},
): Promise<ScanCounts> {
  const counts: ScanCounts = { bytes: 0, lines: 0, candidates: 0 };
  const chunk = options.chunkSize ?? 1 << 22;
  // Room in front of each chunk for the previous chunk's partial line.
  const reserve = Math.min(MAX_LINE, chunk);
  const lineIndex = new LineIndex(READ_BUFFERS * (reserve + chunk));
  const buffers = Array.from({ length: READ_BUFFERS }, () => lineIndex.buffer(reserve + chunk));
  const handle = await open(path, 'r');
  const reads: Promise<{ bytesRead: number }>[] = [];
  let position = 0;
  const readInto = (buffer: Buffer) => {
    reads.push(handle.read(buffer, reserve, chunk, position));
    position += chunk;
  };
  try {
    for (let k = 0; k < READ_BUFFERS - 1; k++) readInto(buffers[k] as Buffer);
    let previous: Buffer | undefined;
    let carryStart = 0;
    let carryEnd = 0;
    for (let k = 0; ; k++) {
      const current = buffers[k % READ_BUFFERS] as Buffer;
      const { bytesRead } = await (reads.shift() as Promise<{ bytesRead: number }>);
      counts.bytes += bytesRead;
      const final = bytesRead < chunk;
      let from = reserve;
      if (previous && carryEnd > carryStart) {
        const carry = carryEnd - carryStart;
        if (carry > reserve) {
          // A line longer than the reserve: emit what we have, cut.
          counts.lines++;
          takeLine(previous, carryStart, carryEnd, counts, visit);
        } else {
          previous.copy(current, reserve - carry, carryStart, carryEnd);
          from = reserve - carry;
        }
      }
      // `previous` is free now: the thread pool fills it while this chunk is scanned.
      if (!final) readInto(previous ?? (buffers[READ_BUFFERS - 1] as Buffer));
      const length = reserve + bytesRead;
      const consumed = scanIndexed(lineIndex, current, length, final, counts, visit, from);
      if (final) break;
      previous = current;
      carryStart = consumed;
      carryEnd = length;
    }
  } finally {
    await Promise.allSettled(reads);
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
    let consumed = scanChunk(buf, length, false, counts, visit);
    if (length - consumed > MAX_LINE)
      consumed = scanChunk(buf, length, true, counts, visit, consumed);
    carry = length - consumed;
    if (carry > 0) buf.copy(buf, 0, consumed, length);
  }
  scanChunk(buf, carry, true, counts, visit);
  return counts;
}
