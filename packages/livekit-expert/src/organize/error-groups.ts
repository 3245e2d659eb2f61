import { redactString } from '@voxie/config';
import { shapeHash } from './line-index.js';
import {
  isProblemLevel,
  type LogFormat,
  type LogLevel,
  parseLogLine,
  worseLevel,
} from './log-record.js';
import { normalizeMessage } from './normalize.js';

/** A set of log lines that are the same problem once ids, times and names are set aside. */
export interface ErrorGroup {
  /** Normalised `message` (plus normalised error text after ` | `). */
  key: string;
  level: LogLevel;
  formats: LogFormat[];
  count: number;
  firstSeen?: string;
  lastSeen?: string;
  /** Up to `maxSamples` original lines, secrets masked, cut to 500 characters. */
  samples: string[];
  /** Up to 5 distinct room names seen in the group (normalised keys hide them). */
  rooms: string[];
  files: string[];
}

interface LineShape {
  level: LogLevel;
  format: LogFormat;
  key: string;
}

const PROBLEM_WORDS =
  /\b(?:fail(?:ed|ure|s)?|errors?|exception|denied|refused|timed? ?out|unable|cannot|could not|invalid|rejected)\b/i;

/**
 * Groups problem lines. Memory is bounded: at most `maxGroups` groups (later new keys count as
 * overflow), a bounded shape cache, a few samples per group.
 *
 * Speed: a line's expensive parse + normalisation is cached under a hash of its cheap shape
 * (digit-bearing tokens collapsed), so the many variants of one error cost one parse, and lines
 * are decoded from bytes only when their group still needs samples.
 */
export class ErrorGrouper {
  readonly #groups = new Map<string, ErrorGroup>();
  readonly #shapes = new Map<number, LineShape | null>();
  readonly #times = new Map<string, { first: number; last: number }>();
  readonly #maxGroups: number;
  readonly #maxSamples: number;
  #overflow = 0;
  #problemLines = 0;

  constructor(options: { maxGroups?: number; maxSamples?: number } = {}) {
    this.#maxGroups = options.maxGroups ?? 2000;
    this.#maxSamples = options.maxSamples ?? 3;
  }

  /** Lines that were warnings/errors but arrived after `maxGroups` distinct groups existed. */
  get overflow(): number {
    return this.#overflow;
  }

  get problemLines(): number {
    return this.#problemLines;
  }

  /** Adds one raw line (any format); non-problem lines are ignored. */
  add(line: string, file: string): void {
    const bytes = Buffer.from(line);
    this.addBytes(bytes, 0, bytes.length, file);
  }

  /**
   * Adds one line given as UTF-8 bytes. The line is decoded only the first time its shape is
   * seen and while its group still collects samples or room names.
   */
  addBytes(buf: Buffer, start: number, end: number, file: string): void {
    const hash = shapeHash(buf, start, end);
    let shape = this.#shapes.get(hash);
    let line: string | undefined;
    if (shape === undefined) {
      line = buf.toString('utf8', start, end);
      shape = shapeOf(line);
      if (this.#shapes.size >= 20_000) this.#shapes.clear();
      this.#shapes.set(hash, shape);
    }
    if (shape === null) return;
    this.#problemLines++;
    let group = this.#groups.get(shape.key);
    if (!group) {
      if (this.#groups.size >= this.#maxGroups) {
        this.#overflow++;
        return;
      }
      group = {
        key: shape.key,
        level: shape.level,
        formats: [shape.format],
        count: 0,
        samples: [],
        rooms: [],
        files: [file],
      };
      this.#groups.set(shape.key, group);
    }
    group.count++;
    if (group.level !== shape.level) group.level = worseLevel(group.level, shape.level);
    if (
      group.formats.length === 1
        ? group.formats[0] !== shape.format
        : !group.formats.includes(shape.format)
    ) {
      if (!group.formats.includes(shape.format)) group.formats.push(shape.format);
    }
    if (group.files.length === 1 ? group.files[0] !== file : !group.files.includes(file)) {
      if (!group.files.includes(file)) group.files.push(file);
    }
    const time = extractTimeMs(buf, start, end);
    if (time !== undefined) {
      const seen = this.#times.get(shape.key);
      if (!seen) this.#times.set(shape.key, { first: time, last: time });
      else if (time < seen.first) seen.first = time;
      else if (time > seen.last) seen.last = time;
    }
    // Room names are looked for in a group's first 100 lines only: a group without rooms must not
    // pay a decode + regex for every line.
    if (group.samples.length < this.#maxSamples || (group.rooms.length < 5 && group.count <= 100)) {
      line ??= buf.toString('utf8', start, end);
      if (group.samples.length < this.#maxSamples) {
        const sample = redactString(line.length > 500 ? `${line.slice(0, 500)}…` : line);
        if (!group.samples.includes(sample)) group.samples.push(sample);
      }
      if (group.rooms.length < 5 && group.count <= 100) {
        const room = extractRoom(line);
        if (room && !group.rooms.includes(room)) group.rooms.push(room);
      }
    }
  }

  /** Groups, most frequent first (ties: worse level, then key). */
  groups(): ErrorGroup[] {
    for (const group of this.#groups.values()) {
      const seen = this.#times.get(group.key);
      if (seen) {
        group.firstSeen = new Date(seen.first).toISOString();
        group.lastSeen = new Date(seen.last).toISOString();
      }
    }
    return [...this.#groups.values()].sort(
      (a, b) => b.count - a.count || rank(b.level) - rank(a.level) || a.key.localeCompare(b.key),
    );
  }
}

function rank(level: LogLevel): number {
  return ['unknown', 'debug', 'info', 'warn', 'error', 'fatal'].indexOf(level);
}

function shapeOf(line: string): LineShape | null {
  const record = parseLogLine(line);
  if (!record) return null;
  let level = record.level;
  if (level === 'unknown') {
    if (!PROBLEM_WORDS.test(record.message) && !record.error) return null;
    level = 'warn';
  }
  if (!isProblemLevel(level)) return null;
  const message = normalizeMessage(record.message || record.error || '');
  const key = record.error ? `${message} | ${normalizeMessage(record.error)}` : message;
  return { level, format: record.format, key };
}

/** Position after `"ts":` or `"time":` within `[start, end)`, or -1 (bounded, no native search). */
function timeValueAt(buf: Buffer, start: number, end: number): number {
  for (let i = start; i + 5 < end; i++) {
    if (buf[i] !== 0x22 || buf[i + 1] !== 0x74) continue; // "t
    if (buf[i + 2] === 0x73 && buf[i + 3] === 0x22 && buf[i + 4] === 0x3a) return i + 5; // "ts":
    if (
      buf[i + 2] === 0x69 &&
      buf[i + 3] === 0x6d &&
      buf[i + 4] === 0x65 &&
      buf[i + 5] === 0x22 &&
      buf[i + 6] === 0x3a
    ) {
      return i + 7; // "time":
    }
  }
  return -1;
}

/** Position after `"ts":` or `"time":` when it is the field after a leading `{"level":...,`. */
function timeAfterLevel(buf: Buffer, start: number, end: number): number {
  if (buf[start + 1] !== 0x22 || buf[start + 2] !== 0x6c) return -1; // {"l
  const limit = Math.min(end, start + 40);
  for (let i = start + 9; i < limit; i++) {
    if (buf[i] === 0x2c) return timeValueAt(buf, i + 1, Math.min(end, i + 8));
  }
  return -1;
}

/**
 * Epoch milliseconds of the line's own timestamp: zap `"ts"` (seconds, or ISO string), pino
 * `"time"` (ms), or a leading ISO timestamp in text. Numbers are parsed from the bytes directly.
 */
function extractTimeMs(buf: Buffer, start: number, end: number): number | undefined {
  if (buf[start] === 0x7b) {
    // zap and pino put the time right after the level; else search the first fields only.
    let p = timeAfterLevel(buf, start, end);
    if (p === -1) p = timeValueAt(buf, start, Math.min(end, start + 160));
    if (p === -1) return undefined;
    if (buf[p] === 0x20) p++;
    if (buf[p] === 0x22) {
      const close = buf.indexOf(0x22, p + 1);
      if (close === -1 || close > end) return undefined;
      const value = Date.parse(buf.toString('latin1', p + 1, close));
      return Number.isFinite(value) ? value : undefined;
    }
    let value = 0;
    let scale = 0;
    let digits = 0;
    for (; p < end; p++) {
      const c = buf[p] as number;
      if (c >= 48 && c <= 57) {
        value = value * 10 + (c - 48);
        if (scale) scale *= 10;
        digits++;
      } else if (c === 0x2e && !scale) scale = 1;
      else break;
    }
    if (!digits) return undefined;
    if (scale) value /= scale;
    return value < 1e11 ? value * 1000 : value;
  }
  const c = buf[start];
  if (c === undefined || (c !== 0x5b && (c < 48 || c > 57))) return undefined;
  const text = TEXT_TIME.exec(buf.toString('latin1', start, Math.min(end, start + 40)))?.[1];
  if (!text) return undefined;
  const value = Date.parse(text.replace(',', '.'));
  return Number.isFinite(value) ? value : undefined;
}

const TEXT_TIME =
  /^\s*\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)/;

const ROOM_FIELD = /"(?:room|roomName|room_name|lk\.room_name)":"([^"]{1,200})"/;
const ROOM_TEXT = /\broom(?:[ _]?name)?[=:]\s*"?([^\s",]{1,200})/i;

function extractRoom(line: string): string | undefined {
  return (ROOM_FIELD.exec(line) ?? ROOM_TEXT.exec(line))?.[1];
}
