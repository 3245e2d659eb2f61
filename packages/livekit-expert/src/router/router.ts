import { z } from 'zod';
import { ExpertError } from '../errors.js';
import { getDefaultKnowledgeBase, type KnowledgeBase } from '../knowledge/load-knowledge-base.js';
import { Domain } from '../knowledge/schema.js';
import { DOMAIN_RULES } from './domain-rules.js';
import { type QaGate, qaGatesFor } from './qa-gates.js';

export interface DomainScore {
  domain: Domain;
  /** 0..1: how sure the router is that the request needs this domain. */
  confidence: number;
  /** Raw rule score (rules mode only). */
  score: number;
  /** Which vocabulary matched (rule labels, or `llm`). */
  evidence: string[];
}

export interface RouteDecision {
  mode: 'rules' | 'llm';
  /** Selected domains, most confident first; empty when nothing LiveKit-specific was recognised. */
  domains: DomainScore[];
  /** Specialist per domain, as in the coordinator seed (`livekit-auth`, ...); `livekit-coordinator` when none. */
  specialists: string[];
  gates: QaGate[];
  /** Knowledge entries of the routed domains that share the most words with the request. */
  relatedEntries: Array<{ id: string; title: string; domain: Domain }>;
}

/** Minimum rule score for a domain to be selected at all. */
export const MIN_DOMAIN_SCORE = 2;
/** A secondary domain must reach this share of the top domain's score. */
export const SECONDARY_SHARE = 0.2;

/** Scores every domain against the request (deterministic, no I/O). Zero-score domains are omitted. */
export function scoreDomains(text: string): DomainScore[] {
  const scores: DomainScore[] = [];
  for (const domain of Domain.options) {
    let score = 0;
    const evidence: string[] = [];
    for (const rule of DOMAIN_RULES[domain]) {
      if (rule.pattern.test(text)) {
        score += rule.weight;
        evidence.push(rule.label);
      }
    }
    if (score > 0) scores.push({ domain, score, confidence: confidenceOf(score), evidence });
  }
  return scores.sort((a, b) => b.score - a.score || a.domain.localeCompare(b.domain));
}

function confidenceOf(score: number): number {
  return Math.round((score / (score + 3)) * 100) / 100;
}

/** Picks the domains a request needs from its scores (top domain plus strong secondaries). */
export function selectDomains(scores: readonly DomainScore[]): DomainScore[] {
  const top = scores[0];
  if (!top || top.score < MIN_DOMAIN_SCORE) return [];
  return scores.filter(
    (s) => s.score >= MIN_DOMAIN_SCORE && s.score >= top.score * SECONDARY_SHARE,
  );
}

/** Routes a free-text request with the deterministic rules. */
export function routeRequest(
  text: string,
  options: { knowledgeBase?: KnowledgeBase } = {},
): RouteDecision {
  return decide('rules', text, selectDomains(scoreDomains(text)), options.knowledgeBase);
}

/** Something that can classify a request into domains, e.g. an LLM (see `createLlmRouteClassifier`). */
export interface RouteClassifier {
  classify(text: string): Promise<Array<{ domain: Domain; confidence: number }>>;
}

/** Routes with a classifier (LLM mode); domains under `minConfidence` (default 0.5) are dropped. */
export async function routeRequestWith(
  text: string,
  classifier: RouteClassifier,
  options: { knowledgeBase?: KnowledgeBase; minConfidence?: number } = {},
): Promise<RouteDecision> {
  const answer = await classifier.classify(text);
  const domains = answer
    .filter((d) => d.confidence >= (options.minConfidence ?? 0.5))
    .sort((a, b) => b.confidence - a.confidence)
    .map((d) => ({ domain: d.domain, confidence: d.confidence, score: 0, evidence: ['llm'] }));
  return decide('llm', text, domains, options.knowledgeBase);
}

const LlmRouteAnswer = z.object({
  domains: z.array(z.object({ domain: Domain, confidence: z.number().min(0).max(1) })),
});

/** The instruction an LLM classifier gets; the answer must be JSON `{ "domains": [...] }`. */
export function routePrompt(text: string): string {
  return [
    'Classify this LiveKit request into the functional domains a specialist would need.',
    `Domains: ${Domain.options.join(', ')}.`,
    'auth = tokens, grants, API keys; room = rooms, participants, metadata, data messages; track = publishing, subscribing, audio/video quality;',
    'recording = recording sessions and storing files; egress = export, RTMP/HLS streaming, transcoding, compositing; webhook = server event callbacks;',
    'agents = agent workers, dispatch, STT/LLM/TTS sessions; sip = telephony, trunks, dispatch rules; deployment = self-hosting, networking, scaling, ops.',
    'Answer with JSON only: {"domains":[{"domain":"<domain>","confidence":<0..1>}]}.',
    `Request: ${text}`,
  ].join('\n');
}

/**
 * Wraps a text-completion function (any LLM) as a RouteClassifier. Fails with
 * `ExpertError('invalid_llm_route')` when the answer is not the expected JSON.
 */
export function createLlmRouteClassifier(
  complete: (prompt: string) => Promise<string>,
): RouteClassifier {
  return {
    async classify(text) {
      const raw = await complete(routePrompt(text));
      const json = /\{[\s\S]*\}/.exec(raw)?.[0];
      let parsed: unknown;
      try {
        parsed = json ? JSON.parse(json) : undefined;
      } catch (cause) {
        throw new ExpertError('invalid_llm_route', 'LLM route answer is not JSON', { cause });
      }
      const result = LlmRouteAnswer.safeParse(parsed);
      if (!result.success)
        throw new ExpertError(
          'invalid_llm_route',
          `LLM route answer is invalid: ${result.error.message}`,
        );
      return result.data.domains;
    },
  };
}

const WORD = /[a-z][a-z0-9_]{2,}/g;
const STOP = new Set([
  'the',
  'and',
  'for',
  'with',
  'that',
  'this',
  'from',
  'but',
  'not',
  'are',
  'how',
  'what',
  'when',
  'why',
  'our',
  'your',
  'can',
  'does',
  'into',
  'its',
  'was',
  'has',
  'have',
  'get',
  'use',
  'using',
  'livekit',
]);

function words(text: string): Set<string> {
  return new Set(
    [...text.toLowerCase().matchAll(WORD)].map((m) => m[0]).filter((w) => !STOP.has(w)),
  );
}

function decide(
  mode: RouteDecision['mode'],
  text: string,
  domains: DomainScore[],
  knowledgeBase?: KnowledgeBase,
): RouteDecision {
  const kb = knowledgeBase ?? getDefaultKnowledgeBase();
  const names = domains.map((d) => d.domain);
  const requestWords = words(text);
  const related = kb.entries
    .filter((entry) => names.includes(entry.domain))
    .map((entry) => {
      const entryWords = words(
        `${entry.title} ${entry.symptoms.join(' ')} ${entry.causes.join(' ')}`,
      );
      let overlap = 0;
      for (const w of requestWords) if (entryWords.has(w)) overlap++;
      return { entry, overlap };
    })
    .filter((x) => x.overlap > 0)
    .sort((a, b) => b.overlap - a.overlap || a.entry.id.localeCompare(b.entry.id))
    .slice(0, 5)
    .map(({ entry }) => ({ id: entry.id, title: entry.title, domain: entry.domain }));
  return {
    mode,
    domains,
    specialists: names.length ? names.map((d) => `livekit-${d}`) : ['livekit-coordinator'],
    gates: qaGatesFor(names),
    relatedEntries: related,
  };
}
