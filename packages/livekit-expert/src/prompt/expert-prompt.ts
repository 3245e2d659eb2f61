import { ExpertError } from '../errors.js';
import type { KnowledgeBase } from '../knowledge/load-knowledge-base.js';
import type { Domain, EntryCategory, KnowledgeEntry } from '../knowledge/schema.js';

/** Section headings of the expert prompt, in the seed's order. */
export const PROMPT_SECTIONS = [
  'Core Expertise Areas',
  'Common Issues and Solutions',
  'Performance Optimization',
  'Debugging Techniques',
  'Production Best Practices',
  'Integration Patterns',
  'Error Pattern Library',
  'Quick Troubleshooting Checklist',
] as const;

/** Default size budget in characters (about 16k tokens). */
export const DEFAULT_PROMPT_BUDGET = 64_000;

const DOMAIN_SUMMARY: Record<Domain, string> = {
  auth: 'access tokens (HS256 JWT: iss = API key, sub = identity, video grants), server SDK auth, key rotation',
  room: 'rooms and participants: lifecycle, timeouts, limits, metadata/attributes, data messages, RoomService API',
  track:
    'publishing and subscribing audio/video, permissions, muting, audio frames and sample rates, quality',
  recording:
    'recording sessions with egress, storage (S3/GCS/Azure), status, privacy and retention',
  egress: 'room composite, participant, track and web egress; RTMP/HLS streaming; capacity',
  webhook: 'signed webhook delivery (raw-body sha256 + JWT), event types, retries and idempotency',
  agents:
    'LiveKit Agents (Node/Python): workers, explicit dispatch, job lifecycle, AgentSession, STT/LLM/TTS, turn handling, handoffs',
  sip: 'telephony: trunks, dispatch rules, inbound/outbound calls, SIP errors, agents on phone calls',
  deployment:
    'self-hosting: ports/UDP/TURN/TLS, Redis for multi-node, egress/SIP services, monitoring, scaling',
};

const DEBUGGING_TECHNIQUES = [
  'Read the error where it is produced: livekit-server logs (JSON, `msg` + `error` fields), agent worker logs (pino JSON), server SDK exceptions (TwirpError with status/code), browser console (livekit-client ConnectionError).',
  'Decode the access token (base64 of the middle part) and compare iss, sub, video grants, nbf/exp with the server keys and the clock.',
  'Separate signalling from media: a participant_joined webhook followed by a drop after ~15 s means ICE/UDP/TURN, not auth.',
  'Reproduce with the `lk` CLI from the same host (`lk room join`, `lk load-test`, `lk token create`) to rule out application code.',
  'For agents, follow the chain in the worker log: registered worker -> received job request -> accept -> entry -> session start; the first missing step is the fault.',
  'Run `livekit-expert diagnose <log>` to rank known issues for a log, and `livekit-expert organize` to group new errors into knowledge updates.',
];

interface RenderLevel {
  /** Max code blocks per error-pattern entry. */
  errorCode: number;
  /** Max code blocks for other entries. */
  otherCode: number;
  /** Max symptoms/causes listed per entry. */
  listItems: number;
  /** Max solution steps per entry. */
  steps: number;
  /** Max signatures shown per error entry. */
  signatures: number;
}

const LEVELS: readonly RenderLevel[] = [
  { errorCode: 1, otherCode: 2, listItems: 3, steps: 4, signatures: 3 },
  { errorCode: 1, otherCode: 1, listItems: 2, steps: 3, signatures: 2 },
  { errorCode: 0, otherCode: 1, listItems: 2, steps: 3, signatures: 2 },
  { errorCode: 0, otherCode: 0, listItems: 1, steps: 2, signatures: 1 },
];

export interface ExpertPromptOptions {
  /** Maximum length in characters (default `DEFAULT_PROMPT_BUDGET`). */
  budget?: number;
}

/**
 * Builds the LiveKit expert's system prompt from the knowledge base, in the seed's structure
 * (identity, then the eight sections, each issue as `### Issue` / **Symptoms** / **Solutions**).
 * Detail is reduced level by level (fewer code blocks, shorter lists) until the prompt fits the
 * budget; if even the tersest form is too long, entries are dropped from the end of each section
 * and the count is stated. Fails with `prompt_over_budget` only when not even the skeleton fits.
 */
export function buildExpertPrompt(kb: KnowledgeBase, options: ExpertPromptOptions = {}): string {
  const budget = options.budget ?? DEFAULT_PROMPT_BUDGET;
  for (const level of LEVELS) {
    const prompt = render(kb.entries, level);
    if (prompt.length <= budget) return prompt;
  }
  const tersest = LEVELS[LEVELS.length - 1] as RenderLevel;
  let keep = kb.entries.length;
  while (keep > 0) {
    keep = Math.floor(keep * 0.85);
    const prompt = render(kb.entries, tersest, keep);
    if (prompt.length <= budget) return prompt;
  }
  throw new ExpertError(
    'prompt_over_budget',
    `the prompt skeleton does not fit in ${budget} characters`,
  );
}

function byCategory(
  entries: readonly KnowledgeEntry[],
  category: EntryCategory,
  filter?: (e: KnowledgeEntry) => boolean,
) {
  return entries.filter((e) => e.category === category && (filter ? filter(e) : true));
}

const isChecklist = (entry: KnowledgeEntry) => entry.id.startsWith('checklist-');

function render(
  entries: readonly KnowledgeEntry[],
  level: RenderLevel,
  limit = Number.POSITIVE_INFINITY,
): string {
  const out: string[] = [];
  out.push(
    '# LiveKit Expert',
    '',
    'You are a specialised LiveKit expert with deep WebRTC knowledge. You help engineers build, debug and operate',
    'LiveKit applications: rooms and tracks, server SDKs, webhooks, egress/recording, SIP telephony, self-hosted',
    'deployments and LiveKit Agents voice AI. Answer with concrete causes and step-by-step fixes; quote the exact',
    'error strings you recognise; prefer official APIs (livekit-server-sdk, @livekit/agents, @livekit/rtc-node) and',
    'never invent options. When unsure, say which log line or setting would settle it.',
    '',
  );
  let budgetLeft = limit;
  const take = (list: KnowledgeEntry[]) => {
    const kept = list.slice(0, Math.max(0, Math.min(list.length, budgetLeft)));
    budgetLeft -= kept.length;
    return { kept, dropped: list.length - kept.length };
  };

  out.push(`## ${PROMPT_SECTIONS[0]}`, '');
  for (const [domain, summary] of Object.entries(DOMAIN_SUMMARY))
    out.push(`- **${domain}**: ${summary}`);
  out.push('');

  const sections: Array<[string, KnowledgeEntry[], 'issue' | 'error' | 'checklist']> = [
    [PROMPT_SECTIONS[1], byCategory(entries, 'troubleshooting', (e) => !isChecklist(e)), 'issue'],
    [PROMPT_SECTIONS[2], byCategory(entries, 'performance'), 'issue'],
  ];
  const later: Array<[string, KnowledgeEntry[], 'issue' | 'error' | 'checklist']> = [
    [PROMPT_SECTIONS[4], byCategory(entries, 'production'), 'issue'],
    [PROMPT_SECTIONS[5], byCategory(entries, 'integration'), 'issue'],
    [PROMPT_SECTIONS[6], byCategory(entries, 'error-pattern'), 'error'],
    [PROMPT_SECTIONS[7], byCategory(entries, 'troubleshooting', isChecklist), 'checklist'],
  ];
  const emit = ([title, list, style]: [
    string,
    KnowledgeEntry[],
    'issue' | 'error' | 'checklist',
  ]) => {
    out.push(`## ${title}`, '');
    const { kept, dropped } = take(list);
    for (const entry of kept) out.push(...renderEntry(entry, style, level), '');
    if (dropped > 0)
      out.push(
        `(${dropped} more entries in the knowledge base; run \`livekit-expert diagnose\` to match them.)`,
        '',
      );
  };
  sections.forEach(emit);
  out.push(`## ${PROMPT_SECTIONS[3]}`, '');
  DEBUGGING_TECHNIQUES.forEach((technique, index) => {
    out.push(`${index + 1}. ${technique}`);
  });
  out.push('');
  later.forEach(emit);
  return `${out.join('\n').trimEnd()}\n`;
}

function renderEntry(
  entry: KnowledgeEntry,
  style: 'issue' | 'error' | 'checklist',
  level: RenderLevel,
): string[] {
  const lines: string[] = [];
  if (style === 'checklist') {
    lines.push(`### ${entry.title}`);
    for (const step of entry.solution) lines.push(`- [ ] ${step.step}`);
    return lines;
  }
  lines.push(`### Issue: ${entry.title} [${entry.domain}]`);
  lines.push('**Symptoms**:');
  for (const symptom of entry.symptoms.slice(0, level.listItems)) lines.push(`- ${symptom}`);
  if (style === 'error') {
    for (const signature of entry.signatures.slice(0, level.signatures)) {
      lines.push(
        `- \`${signature.text}\` (${signature.source}${signature.regex ? ', pattern' : ''})`,
      );
    }
  }
  lines.push(`**Causes**: ${entry.causes.slice(0, level.listItems).join('; ')}`);
  lines.push('**Solutions**:');
  let codeLeft = style === 'error' ? level.errorCode : level.otherCode;
  entry.solution.slice(0, level.steps).forEach((step, index) => {
    lines.push(`${index + 1}. ${step.step}`);
    if (step.code && codeLeft > 0) {
      codeLeft--;
      lines.push(`\`\`\`${step.code.language}`, step.code.source, '```');
    }
  });
  return lines;
}
