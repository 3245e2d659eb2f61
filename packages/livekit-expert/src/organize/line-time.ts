// Timestamps of log lines, read from their bytes: the organizer needs one per problem line.

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
export function extractTimeMs(buf: Buffer, start: number, end: number): number | undefined {
  if (buf[start] === 0x7b) {
    // zap and pino put the time right after the level; else search the first fields only.
    let p = timeAfterLevel(buf, start, end);
    if (p === -1) p = timeValueAt(buf, start, Math.min(end, start + 160));
    if (p === -1) return undefined;
    if (buf[p] === 0x20) p++;
    if (buf[p] === 0x22) {
      const close = buf.indexOf(0x22, p + 1);
      if (close === -1 || close > end) return undefined;
      const fast = utcTimestampMs(buf, p + 1, close, true);
      if (!Number.isNaN(fast)) return fast;
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
  const fast = utcTimestampMs(buf, c === 0x5b ? start + 1 : start, end, false);
  if (!Number.isNaN(fast)) return fast;
  const text = TEXT_TIME.exec(buf.toString('latin1', start, Math.min(end, start + 40)))?.[1];
  if (!text) return undefined;
  const value = Date.parse(text.replace(',', '.'));
  return Number.isFinite(value) ? value : undefined;
}

const TEXT_TIME =
  /^\s*\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)/;

/**
 * Epoch milliseconds of `YYYY-MM-DD[T ]HH:MM:SS[.,fraction]Z` at `buf[p]` (filling `[p, end)`
 * when `whole`, else followed by anything), read from the bytes: the shape LiveKit's zap console
 * and most UTC text logs use. NaN for every other shape (offsets, local times, days past the 28th,
 * hour 24, more than nine fraction digits), which callers hand to `Date.parse`. The result equals
 * `Date.parse`'s with a decimal comma read as a point (ISO 8601 allows both).
 */
export function utcTimestampMs(buf: Buffer, p: number, end: number, whole: boolean): number {
  if (p + 20 > end) return Number.NaN;
  const sep = buf[p + 10];
  if (
    buf[p + 4] !== 0x2d ||
    buf[p + 7] !== 0x2d ||
    (sep !== 0x54 && sep !== 0x20) ||
    buf[p + 13] !== 0x3a ||
    buf[p + 16] !== 0x3a
  ) {
    return Number.NaN;
  }
  const year = digitsAt(buf, p, 4);
  const month = digitsAt(buf, p + 5, 2);
  const day = digitsAt(buf, p + 8, 2);
  const hour = digitsAt(buf, p + 11, 2);
  const minute = digitsAt(buf, p + 14, 2);
  const second = digitsAt(buf, p + 17, 2);
  if (
    year < 1000 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 28 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59
  ) {
    return Number.NaN;
  }
  let i = p + 19;
  let ms = 0;
  if (buf[i] === 0x2e || buf[i] === 0x2c) {
    // Milliseconds are the first three digits; Date.parse cuts the rest (up to nanoseconds here).
    const first = ++i;
    for (; i < end && i < first + 9; i++) {
      const c = buf[i] as number;
      if (c < 48 || c > 57) break;
      if (i < first + 3) ms += (c - 48) * (i === first ? 100 : i === first + 1 ? 10 : 1);
    }
    if (i === first) return Number.NaN;
  }
  if (buf[i] !== 0x5a || i >= end || (whole && i + 1 !== end)) return Number.NaN; // Z
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** The `count`-digit decimal number at `buf[p]`, or -1 when a byte is not a digit. */
function digitsAt(buf: Buffer, p: number, count: number): number {
  let value = 0;
  for (let i = p; i < p + count; i++) {
    const c = buf[i] as number;
    if (c < 48 || c > 57) return -1;
    value = value * 10 + (c - 48);
  }
  return value;
}
