import { redactString } from '@voxie/config';
import { shapeHash } from './line-index.js';
import { extractTimeMs } from './line-time.js';
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

const ROOM_FIELD = /"(?:room|roomName|room_name|lk\.room_name)":"([^"]{1,200})"/;
const ROOM_TEXT = /\broom(?:[ _]?name)?[=:]\s*"?([^\s",]{1,200})/i;

function extractRoom(line: string): string | undefined {
  return (ROOM_FIELD.exec(line) ?? ROOM_TEXT.exec(line))?.[1];
}
