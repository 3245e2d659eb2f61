import { redactString } from '@voxie/config';
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
 * Speed: a line's expensive parse + normalisation is cached under a cheap key (digit-bearing
 * tokens collapsed), so the many variants of one error cost one parse.
 */
export class ErrorGrouper {
  readonly #groups = new Map<string, ErrorGroup>();
  readonly #shapes = new Map<string, LineShape | null>();
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
    const cheap = cheapKey(line);
    let shape = this.#shapes.get(cheap);
    if (shape === undefined) {
      shape = shapeOf(line);
      if (this.#shapes.size >= 20_000) this.#shapes.clear();
      this.#shapes.set(cheap, shape);
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
    group.level = worseLevel(group.level, shape.level);
    if (!group.formats.includes(shape.format)) group.formats.push(shape.format);
    if (!group.files.includes(file)) group.files.push(file);
    const time = extractTime(line);
    if (time) {
      if (!group.firstSeen || time < group.firstSeen) group.firstSeen = time;
      if (!group.lastSeen || time > group.lastSeen) group.lastSeen = time;
    }
    if (group.samples.length < this.#maxSamples) {
      const sample = redactString(line.length > 500 ? `${line.slice(0, 500)}…` : line);
      if (!group.samples.includes(sample)) group.samples.push(sample);
    }
    if (group.rooms.length < 5) {
      const room = extractRoom(line);
      if (room && !group.rooms.includes(room)) group.rooms.push(room);
    }
  }

  /** Groups, most frequent first (ties: worse level, then key). */
  groups(): ErrorGroup[] {
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

/**
 * Collapses every token that contains a digit to `#`: ids, times, numbers, addresses. Two lines
 * with the same cheap key have the same shape, so the parse is done once per shape.
 */
export function cheapKey(line: string): string {
  let out = '';
  let tokenStart = 0;
  let hasDigit = false;
  const n = line.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? line.charCodeAt(i) : 32;
    const isTokenChar =
      (c >= 48 && c <= 57) ||
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      c === 95 ||
      c === 45 ||
      c === 46 ||
      c === 58;
    if (isTokenChar) {
      if (c >= 48 && c <= 57) hasDigit = true;
      continue;
    }
    if (i > tokenStart) out += hasDigit ? '#' : line.slice(tokenStart, i);
    if (i < n) out += line[i];
    tokenStart = i + 1;
    hasDigit = false;
  }
  return out;
}

const TIME_FIELD = /"(?:ts|time|timestamp)":\s*("?)([^",}]+)\1/;
const TEXT_TIME =
  /^\s*\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)/;

function extractTime(line: string): string | undefined {
  const json = line.charCodeAt(0) === 123 ? TIME_FIELD.exec(line) : null;
  if (json?.[2]) {
    const raw = json[2];
    if (json[1] === '"') return raw;
    const value = Number(raw);
    if (!Number.isFinite(value)) return undefined;
    const date = new Date(value < 1e11 ? value * 1000 : value);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  return TEXT_TIME.exec(line)?.[1];
}

const ROOM_FIELD = /"(?:room|roomName|room_name|lk\.room_name)":"([^"]{1,200})"/;
const ROOM_TEXT = /\broom(?:[ _]?name)?[=:]\s*"?([^\s",]{1,200})/i;

function extractRoom(line: string): string | undefined {
  return (ROOM_FIELD.exec(line) ?? ROOM_TEXT.exec(line))?.[1];
}
