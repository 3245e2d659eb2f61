/**
 * Turns a log message into a grouping key: the parts that vary between occurrences of the same
 * error (LiveKit ids, UUIDs, timestamps, numbers, room and participant names, addresses) become
 * placeholders, so `participant PA_x1 not found` and `participant PA_y2 not found` collide.
 */

const LIVEKIT_ID =
  /\b(RM|PA|TR|AJ|EV|EG|IN|SIP|SCL|ST|SDR|AD|AW|CO|PR|JR|SR|SC|TL|TB|PN|DR)_[A-Za-z0-9]{4,}\b/g;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const ISO_TIME = /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\b/g;
const CLOCK = /\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g;
const URL_PATTERN = /\b(?:wss?|https?|rtmps?|sip|redis):\/\/[^\s"'<>),]+/gi;
const IP = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g;
const HEX = /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{12,}\b/gi;
const VOXIE_ROOM = /\b(?:agent-[0-9a-f-]{36}|voxie-creation|sim-[0-9a-f-]{36})-[A-Za-z0-9_-]+\b/gi;
/** `room "x"`, `room=x`, `room: x`, `identity 'y'` ... in free text. */
const NAMED_VALUE =
  /\b(room(?:[ _]?name)?|participant(?:[ _]?identity)?|identity|pID|roomID|jobId|job_id|requestId|egressID|trackID|agentName)(\s*[=:]\s*|\s+(?=["']))(["']?)[^\s"',;)]+\3/gi;
const NOT_FOUND =
  /\b(participant|publication|track|room|job|task|egress|dispatch)\s+(\S+)\s+(not found|does not exist|timed out)/gi;
const NUMBER =
  /(?<![A-Za-z0-9_<.])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?:ms|s|m|h|kb|mb|b)?(?![A-Za-z_>])/gi;
const API_KEY = /\bAPI(?=[A-Za-z0-9]*\d)[A-Za-z0-9]{6,}\b/g;
/** Random-looking tokens: letters and digits mixed, 10+ characters (suffixes, unprefixed ids). */
const MIXED_ID = /\b(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{10,}\b/g;
const SPACES = /\s+/g;

const KEY_WORDS = new Set(['room', 'roomname', 'room_name', 'room name']);

/** Normalises one message; pure, deterministic, no allocation beyond the result. */
export function normalizeMessage(text: string): string {
  let out = text.length > 600 ? text.slice(0, 600) : text;
  out = out.replace(JWT, '<jwt>');
  out = out.replace(URL_PATTERN, '<url>');
  out = out.replace(ISO_TIME, '<time>');
  out = out.replace(CLOCK, '<time>');
  out = out.replace(LIVEKIT_ID, '$1_<id>');
  out = out.replace(VOXIE_ROOM, '<room>');
  out = out.replace(UUID, '<uuid>');
  out = out.replace(IP, '<ip>');
  out = out.replace(
    NOT_FOUND,
    (_m, kind: string, _value: string, tail: string) => `${kind} <name> ${tail}`,
  );
  out = out.replace(NAMED_VALUE, (_m, key: string, separator: string) => {
    const placeholder =
      KEY_WORDS.has(key.toLowerCase()) || key.toLowerCase().startsWith('room')
        ? '<room>'
        : key.toLowerCase().includes('participant') || key === 'identity' || key === 'pID'
          ? '<participant>'
          : '<id>';
    return `${key}${separator}${placeholder}`;
  });
  out = out.replace(API_KEY, 'API<key>');
  out = out.replace(HEX, '<hex>');
  out = out.replace(MIXED_ID, '<id>');
  out = out.replace(NUMBER, '<n>');
  return out.replace(SPACES, ' ').trim();
}
