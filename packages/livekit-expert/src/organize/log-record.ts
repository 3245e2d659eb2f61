/**
 * One log line understood: LiveKit server JSON (zap), agents pino JSON, Python agents JSON,
 * other JSON, or plain text (zap console, SDK error dumps, Python logging).
 */

export type LogFormat = 'livekit-server' | 'agents-pino' | 'python-json' | 'json' | 'text';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'unknown';

export interface LogRecord {
  format: LogFormat;
  level: LogLevel;
  /** The static part a logger printed (`msg`/`message`), or the text after the level token. */
  message: string;
  /** Error text attached to the line (`error`, `err.message`, zap console fields...). */
  error?: string;
  time?: string;
  room?: string;
  participant?: string;
}

const LEVEL_RANK: Record<LogLevel, number> = {
  unknown: 0,
  debug: 1,
  info: 2,
  warn: 3,
  error: 4,
  fatal: 5,
};

/** True when `level` is warn or worse. */
export function isProblemLevel(level: LogLevel): boolean {
  return LEVEL_RANK[level] >= LEVEL_RANK.warn;
}

/** The worse of two levels. */
export function worseLevel(a: LogLevel, b: LogLevel): LogLevel {
  return LEVEL_RANK[a] >= LEVEL_RANK[b] ? a : b;
}

/** Maps zap/pino/python level names and pino numbers to a LogLevel. */
export function toLogLevel(value: unknown): LogLevel {
  if (typeof value === 'number') {
    if (value >= 60) return 'fatal';
    if (value >= 50) return 'error';
    if (value >= 40) return 'warn';
    if (value >= 30) return 'info';
    return 'debug';
  }
  if (typeof value !== 'string') return 'unknown';
  switch (value.toLowerCase()) {
    case 'trace':
    case 'debug':
      return 'debug';
    case 'info':
    case 'notice':
      return 'info';
    case 'warn':
    case 'warning':
      return 'warn';
    case 'error':
    case 'err':
      return 'error';
    case 'fatal':
    case 'critical':
    case 'panic':
    case 'dpanic':
      return 'fatal';
    default:
      return 'unknown';
  }
}

/** Parses one line; undefined for blank lines and stack-trace continuation lines. */
export function parseLogLine(line: string): LogRecord | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  if (trimmed.startsWith('{')) {
    const record = parseJsonLine(trimmed);
    if (record) return record;
  }
  return parseTextLine(trimmed);
}

function parseJsonLine(text: string): LogRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  const message = firstString(o.msg, o.message, o.event) ?? '';
  const rawLevel = o.level ?? o.levelname ?? o.severity;
  const level = toLogLevel(rawLevel);
  const format: LogFormat =
    typeof rawLevel === 'number'
      ? 'agents-pino'
      : 'logger' in o || 'caller' in o || typeof o.ts === 'number'
        ? typeof o.msg === 'string'
          ? 'livekit-server'
          : 'json'
        : typeof o.message === 'string' && typeof rawLevel === 'string'
          ? 'python-json'
          : 'json';
  const record: LogRecord = { format, level, message };
  const error =
    errorText(o.error) ?? errorText(o.err) ?? errorText(o.exc_info) ?? errorText(o.exception);
  if (error) record.error = error;
  const time = timeText(o.ts ?? o.time ?? o.timestamp);
  if (time) record.time = time;
  const job = o.job as { room?: { name?: unknown } } | undefined;
  const room = firstString(o.room, o.roomName, o.room_name, o['lk.room_name'], job?.room?.name);
  if (room) record.room = room;
  const participant = firstString(
    o.participant,
    o.participantIdentity,
    o.identity,
    o['lk.participant_identity'],
  );
  if (participant) record.participant = participant;
  return record;
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string' && value !== '') return value;
  return undefined;
}

function errorText(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const message = firstString(o.message, o.msg);
    const type = firstString(o.type, o.name);
    if (message) return type && type !== 'Error' ? `${type}: ${message}` : message;
  }
  return undefined;
}

function timeText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) {
    // zap writes epoch seconds (float); pino writes epoch milliseconds.
    const ms = value < 1e11 ? value * 1000 : value;
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  return undefined;
}

const STACK_FRAME = /^(?:at\s|File\s"|Traceback \(most recent call last\)|\.\.\.\s\d+ more)/;
const TEXT_TIME =
  /^\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\]?\s*/;
const TEXT_LEVEL =
  /^(?:[-|:\s]*)\[?(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|CRITICAL|PANIC|DPANIC|trace|debug|info|warn|warning|error|fatal|critical|panic)\]?(?=[\s:|\]-])[\s:|-]*/;
const LEVEL_FIELD = /\blevel=(\w+)/;
const JS_ERROR = /^(?:Uncaught\s+)?(?:[A-Za-z_$][\w$.]*)?(?:Error|Exception)(?:\s\[[\w-]+\])?:\s/;
const CALLER = /^(?:[\w./-]+\.(?:go|ts|js|mjs|py):\d+)\s*/;
const LOGGER_NAME = /^(?:livekit(?:\.[\w.]+)?|[\w.-]+\.agents?)\s*(?:[-:|]\s+|\t)/;
const ZAP_FIELDS = /\s(\{".*\})\s*$/;

function parseTextLine(text: string): LogRecord | undefined {
  if (STACK_FRAME.test(text)) return undefined;
  let rest = text;
  let time: string | undefined;
  const timeMatch = TEXT_TIME.exec(rest);
  if (timeMatch) {
    time = timeMatch[1];
    rest = rest.slice(timeMatch[0].length);
  }
  let level: LogLevel = 'unknown';
  const levelMatch = TEXT_LEVEL.exec(rest);
  if (levelMatch?.[1]) {
    level = toLogLevel(levelMatch[1]);
    rest = rest.slice(levelMatch[0].length);
  } else {
    const field = LEVEL_FIELD.exec(rest);
    if (field?.[1]) level = toLogLevel(field[1]);
    else if (JS_ERROR.test(rest)) level = 'error';
  }
  rest = rest.replace(LOGGER_NAME, '').replace(CALLER, '');
  let error: string | undefined;
  const fields = ZAP_FIELDS.exec(rest);
  if (fields?.[1]) {
    try {
      const parsed = JSON.parse(fields[1]) as Record<string, unknown>;
      error = errorText(parsed.error) ?? errorText(parsed.err);
      rest = rest.slice(0, fields.index);
    } catch {
      // not zap fields after all: keep the text as it is
    }
  }
  const record: LogRecord = { format: 'text', level, message: rest.trim() };
  if (error) record.error = error;
  if (time) record.time = time;
  return record;
}
