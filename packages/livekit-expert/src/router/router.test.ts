import { readFileSync } from 'node:fs';
import { initializeLogger, voice } from '@livekit/agents';
import { describe, expect, it } from 'vitest';
import { ExpertError } from '../errors.js';
import { Domain } from '../knowledge/schema.js';
import { completionFromAgentsLlm } from './agents-llm.js';
import {
  createLlmRouteClassifier,
  routePrompt,
  routeRequest,
  routeRequestWith,
  scoreDomains,
} from './router.js';

const labeled = JSON.parse(
  readFileSync(new URL('../../test/fixtures/router-requests.json', import.meta.url), 'utf8'),
) as Array<{
  text: string;
  domains: Domain[];
}>;

describe('router on the labeled request set', () => {
  it('has at least 150 realistic requests, multi-domain cases included, every domain present', () => {
    expect(labeled.length).toBeGreaterThanOrEqual(150);
    expect(labeled.filter((r) => r.domains.length > 1).length).toBeGreaterThanOrEqual(25);
    for (const domain of Domain.options)
      expect(
        labeled.some((r) => r.domains.includes(domain)),
        domain,
      ).toBe(true);
    expect(new Set(labeled.map((r) => r.text)).size).toBe(labeled.length);
  });

  it('classifies the exact domain set with accuracy >= 0.90', () => {
    let correct = 0;
    const misses: string[] = [];
    for (const request of labeled) {
      const got = routeRequest(request.text)
        .domains.map((d) => d.domain)
        .sort();
      if (JSON.stringify(got) === JSON.stringify([...request.domains].sort())) correct++;
      else
        misses.push(
          `${request.text} -> ${got.join(',') || '(none)'} (want ${request.domains.join(',')})`,
        );
    }
    const accuracy = correct / labeled.length;
    console.log(`router_accuracy ${accuracy.toFixed(4)} (${correct}/${labeled.length})`);
    if (misses.length) console.log(`misses:\n  ${misses.join('\n  ')}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('is fast: the whole set routes in well under a second', () => {
    const start = performance.now();
    for (let i = 0; i < 5; i++) for (const request of labeled) scoreDomains(request.text);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});

describe('routeRequest', () => {
  it('returns confidences, specialists, related entries and the three QA gates with domain items', () => {
    const decision = routeRequest(
      'Answer inbound phone calls with our voice agent using a Twilio SIP trunk',
    );
    expect(decision.mode).toBe('rules');
    expect(decision.domains.map((d) => d.domain)).toEqual(['sip', 'agents']);
    expect(decision.domains[0]?.confidence).toBeGreaterThan(decision.domains[1]?.confidence ?? 1);
    expect(decision.specialists).toEqual(['livekit-sip', 'livekit-agents']);
    expect(decision.gates.map((g) => g.gate)).toEqual([
      'requirements-validation',
      'architectural-alignment',
      'security-review',
    ]);
    const security = decision.gates[2]?.checklist.join('\n') ?? '';
    expect(security).toContain('JWT claims are appropriate and not overly permissive');
    expect(security).toContain('Trunks restrict allowed addresses/numbers');
    expect(security).toContain('Provider API keys live in the worker environment only');
    expect(decision.relatedEntries.some((e) => e.id === 'sip-inbound-agent-dispatch')).toBe(true);
  });

  it('adds the privacy item for recording and falls back to the coordinator when nothing matches', () => {
    expect(
      routeRequest('Record every call to S3').gates[2]?.checklist.some((c) =>
        c.includes('Data privacy'),
      ),
    ).toBe(true);
    const none = routeRequest('What is the weather like today?');
    expect(none.domains).toEqual([]);
    expect(none.specialists).toEqual(['livekit-coordinator']);
  });
});

describe('LLM mode', () => {
  it('routes with a framework llm.LLM through the classifier interface (scripted, no network)', async () => {
    initializeLogger({ pretty: false, level: 'warn' });
    const text = 'Our agent cannot hear the caller on the phone';
    const model = new voice.testing.FakeLLM([
      {
        input: routePrompt(text),
        content:
          'Sure: {"domains":[{"domain":"sip","confidence":0.9},{"domain":"track","confidence":0.7},{"domain":"agents","confidence":0.3}]}',
      },
    ]);
    const decision = await routeRequestWith(
      text,
      createLlmRouteClassifier(completionFromAgentsLlm(model)),
    );
    expect(decision.mode).toBe('llm');
    expect(decision.domains.map((d) => [d.domain, d.confidence])).toEqual([
      ['sip', 0.9],
      ['track', 0.7],
    ]);
    expect(decision.gates).toHaveLength(3);
  });

  it('rejects answers that are not the expected JSON', async () => {
    const classifier = createLlmRouteClassifier(
      async () => '{"domains":[{"domain":"video","confidence":2}]}',
    );
    await expect(classifier.classify('x')).rejects.toBeInstanceOf(ExpertError);
    await expect(createLlmRouteClassifier(async () => 'no idea').classify('x')).rejects.toThrow(
      /invalid/,
    );
  });
});
