import { describe, expect, it } from 'vitest';
import { ExpertError } from '../errors.js';
import { createKnowledgeBase, loadKnowledgeBase } from '../knowledge/load-knowledge-base.js';
import { buildExpertPrompt, DEFAULT_PROMPT_BUDGET, PROMPT_SECTIONS } from './expert-prompt.js';

const kb = loadKnowledgeBase();

function sectionOrder(prompt: string): string[] {
  return [...prompt.matchAll(/^## (.+)$/gm)].map((m) => m[1] ?? '');
}

describe('buildExpertPrompt', () => {
  const prompt = buildExpertPrompt(kb);

  it('fits the default budget and follows the seed structure in order', () => {
    expect(prompt.length).toBeLessThanOrEqual(DEFAULT_PROMPT_BUDGET);
    expect(prompt.startsWith('# LiveKit Expert\n\nYou are a specialised LiveKit expert')).toBe(
      true,
    );
    expect(sectionOrder(prompt)).toEqual([...PROMPT_SECTIONS]);
  });

  it('is generated from the knowledge base: every error pattern appears as an Issue with its signatures', () => {
    for (const entry of kb.entries.filter((e) => e.category === 'error-pattern')) {
      expect(prompt).toContain(`### Issue: ${entry.title} [${entry.domain}]`);
      expect(prompt).toContain(`\`${entry.signatures[0]?.text}\``);
    }
    expect(prompt).toContain('**Symptoms**:');
    expect(prompt).toContain('**Solutions**:');
    expect(prompt).toContain('- [ ] Registered?');
    expect((prompt.match(/```/g) ?? []).length % 2).toBe(0);
  });

  it('shrinks detail to meet smaller budgets, then drops entries with a note, and fails below the skeleton', () => {
    const full = prompt.length;
    for (const budget of [40_000, 25_000, 12_000]) {
      const small = buildExpertPrompt(kb, { budget });
      expect(small.length, `budget ${budget}`).toBeLessThanOrEqual(budget);
      expect(sectionOrder(small)).toEqual([...PROMPT_SECTIONS]);
      expect(small.length).toBeLessThan(full);
    }
    expect(buildExpertPrompt(kb, { budget: 12_000 })).toContain(
      'more entries in the knowledge base',
    );
    expect(() => buildExpertPrompt(kb, { budget: 500 })).toThrow(ExpertError);
  });

  it('changes when the knowledge base changes', () => {
    const fewer = createKnowledgeBase(kb.entries.filter((e) => e.id !== 'webhook-sha256-mismatch'));
    expect(buildExpertPrompt(fewer)).not.toContain('sha256 checksum of body does not match');
    expect(prompt).toContain('sha256 checksum of body does not match');
  });
});
