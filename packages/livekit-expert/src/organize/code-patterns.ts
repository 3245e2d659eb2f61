import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { redactString } from '@voxie/config';

/** Kinds of LiveKit code the organizer recognises in TS/JS/Python sources. */
export const CODE_PATTERN_KINDS = [
  'connection',
  'event-handler',
  'track-publish',
  'track-subscribe',
  'session-start',
  'dispatch',
  'token',
  'webhook',
  'egress',
] as const;
export type CodePatternKind = (typeof CODE_PATTERN_KINDS)[number];

export interface CodePatternExample {
  file: string;
  line: number;
  /** Enclosing function or method, when one was seen above the match. */
  function?: string;
  snippet: string;
}

export interface CodePatternSummary {
  kind: CodePatternKind;
  count: number;
  examples: CodePatternExample[];
}

const RULES: ReadonlyArray<[CodePatternKind, RegExp]> = [
  ['connection', /\b(?:room|ctx)\.connect\s*\(|\bnew\s+Room\s*\(|\brtc\.Room\s*\(/],
  [
    'event-handler',
    /\.on\s*\(\s*(?:RoomEvent|voice\.AgentSessionEventTypes|AgentSessionEventTypes)\.\w+|\.on\s*\(\s*["'](?:participant_connected|participant_disconnected|track_subscribed|track_unsubscribed|track_published|data_received|disconnected|connection_state_changed|user_input_transcribed|agent_state_changed|metrics_collected|close|error)["']|@\w+\.on\(\s*["']\w+["']\s*\)/,
  ],
  [
    'track-publish',
    /\.publish_?[tT]rack\s*\(|createAudioTrack\s*\(|create_audio_track\s*\(|new\s+AudioSource\s*\(|rtc\.AudioSource\s*\(/,
  ],
  [
    'track-subscribe',
    /setSubscribed\s*\(|set_subscribed\s*\(|autoSubscribe|auto_subscribe|TrackSubscribed\b|["']track_subscribed["']/,
  ],
  [
    'session-start',
    /\bsession\.start\s*\(|new\s+(?:voice\.)?AgentSession\s*\(|\bAgentSession\s*\(/,
  ],
  [
    'dispatch',
    /createDispatch\s*\(|create_dispatch\s*\(|\bagentName\s*:|\bagent_name\s*=|RoomAgentDispatch\b|requestFunc\s*:|\breq\.accept\s*\(|request_fnc/,
  ],
  [
    'token',
    /new\s+AccessToken\s*\(|\.addGrant\s*\(|api\.AccessToken\s*\(|\.with_grants\s*\(|VideoGrants\s*\(/,
  ],
  [
    'webhook',
    /new\s+WebhookReceiver\s*\(|WebhookReceiver\s*\(|\.receive\s*\(\s*\w+\s*,\s*[\w.[\]'"]*auth/i,
  ],
  [
    'egress',
    /start(?:RoomComposite|Track|TrackComposite|Participant|Web)Egress\s*\(|start_(?:room_composite|track|track_composite|participant|web)_egress\s*\(/,
  ],
];

const SOURCE_EXTENSIONS = new Set([
  '.ts',
  '.tsx',
  '.mts',
  '.cts',
  '.js',
  '.jsx',
  '.mjs',
  '.cjs',
  '.py',
]);
const SKIP_DIRS = new Set([
  'node_modules',
  'dist',
  'build',
  '.git',
  '.turbo',
  '__pycache__',
  '.venv',
  'venv',
  'coverage',
]);
const FUNCTION_DECL =
  /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:function\s*\*?\s*(\w+)|(?:const|let|var)\s+(\w+)\s*=\s*(?:async\s*)?(?:\([^)]*\)|\w+)\s*=>|(?:async\s+)?def\s+(\w+)\s*\(|(?:public\s+|private\s+|protected\s+|static\s+|async\s+)*(\w+)\s*\([^)]*\)\s*(?::\s*[^{]+)?\{\s*$)/;
const NOT_FUNCTIONS = new Set(['if', 'for', 'while', 'switch', 'catch', 'return', 'constructor']);
const SECRET_LITERAL =
  /((?:api_?secret|apiSecret|secret|password|token|api_?key|apiKey)\s*[:=]\s*)(["'`])[^"'`\n]{6,}\2/gi;

/**
 * Walks `dir` for TS/JS/Python files and collects LiveKit usage by kind: up to `perKind` examples
 * (distinct snippets, with file, line and enclosing function), counts for all. String literals
 * assigned to secret-looking names are masked in snippets.
 */
export async function extractCodePatterns(
  dir: string,
  options: { perKind?: number; maxFileBytes?: number } = {},
): Promise<{ files: number; patterns: CodePatternSummary[] }> {
  const perKind = options.perKind ?? 3;
  const maxFileBytes = options.maxFileBytes ?? 1 << 20;
  const summaries = new Map<CodePatternKind, CodePatternSummary>(
    CODE_PATTERN_KINDS.map((kind) => [kind, { kind, count: 0, examples: [] }]),
  );
  const seen = new Set<string>();
  let files = 0;
  for await (const file of walk(dir)) {
    const info = await stat(file);
    if (info.size > maxFileBytes) continue;
    files++;
    const lines = (await readFile(file, 'utf8')).split(/\r?\n/);
    let currentFunction: string | undefined;
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i] ?? '';
      const decl = FUNCTION_DECL.exec(text);
      const name = decl ? (decl[1] ?? decl[2] ?? decl[3] ?? decl[4]) : undefined;
      if (name && !NOT_FUNCTIONS.has(name)) currentFunction = name;
      for (const [kind, pattern] of RULES) {
        if (!pattern.test(text)) continue;
        const summary = summaries.get(kind);
        if (!summary) continue;
        summary.count++;
        if (summary.examples.length >= perKind) continue;
        const snippet = maskSecrets(snippetAt(lines, i));
        const dedupe = `${kind}:${snippet.replace(/\s+/g, ' ')}`;
        if (seen.has(dedupe)) continue;
        seen.add(dedupe);
        const example: CodePatternExample = {
          file: relative(dir, file) || file,
          line: i + 1,
          snippet,
        };
        if (currentFunction) example.function = currentFunction;
        summary.examples.push(example);
      }
    }
  }
  return { files, patterns: [...summaries.values()].filter((summary) => summary.count > 0) };
}

async function* walk(dir: string): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) yield* walk(path);
    } else if (entry.isFile() && SOURCE_EXTENSIONS.has(extname(entry.name))) {
      yield path;
    }
  }
}

/** The matching line plus following lines until brackets balance (at most 12 lines). */
function snippetAt(lines: readonly string[], index: number): string {
  const out: string[] = [];
  let depth = 0;
  for (let i = index; i < lines.length && out.length < 12; i++) {
    const text = lines[i] ?? '';
    out.push(text);
    for (const c of text) {
      if (c === '(' || c === '{' || c === '[') depth++;
      else if (c === ')' || c === '}' || c === ']') depth--;
    }
    if (depth <= 0) break;
  }
  const indent = Math.min(
    ...out.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length),
  );
  return out.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
}

function maskSecrets(snippet: string): string {
  return redactString(snippet).replace(SECRET_LITERAL, '$1$2[redacted]$2');
}
