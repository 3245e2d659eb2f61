import { AgentDefinition } from '@voxie/agent-core';
import { describe, expect, it } from 'vitest';
import {
  assemble,
  draftFromDefinition,
  missingEssentials,
  newDraft,
  summarizeDraft,
} from './draft.js';
import { TEST_DEFAULTS } from './test-helpers.js';
import { DEFAULT_VOICE_CATALOG } from './voice-catalog.js';

const complete = () => {
  const draft = newDraft(TEST_DEFAULTS);
  Object.assign(draft.definition, {
    name: 'Ada',
    instructions: 'You are Ada, a helpful assistant for a bakery.',
    greeting: { mode: 'wait' },
    tts: DEFAULT_VOICE_CATALOG[0]?.tts,
  });
  return draft;
};

describe('draft', () => {
  it('lists the missing essentials in interview order', () => {
    expect(missingEssentials(newDraft(TEST_DEFAULTS))).toEqual([
      'a name',
      'instructions saying what the agent does',
      'how it greets callers',
      'a voice',
    ]);
    expect(missingEssentials(complete())).toEqual([]);
  });

  it('assembles a complete draft into a valid definition', () => {
    const assembled = assemble(complete());
    expect(assembled.ok).toBe(true);
    if (assembled.ok)
      expect(AgentDefinition.parse(assembled.definition)).toEqual(assembled.definition);
  });

  it('explains invalid parts in words, naming the action concerned', () => {
    const draft = complete();
    draft.definition.language = 'English';
    draft.definition.tools = [
      { type: 'http', name: 'lookup', description: 'Find it', url: 'https://x.example/{id}' },
      { type: 'end_call', name: 'lookup' },
    ];
    const assembled = assemble(draft);
    expect(assembled).toEqual({
      ok: false,
      problems: [
        'the language must be a language tag like en or pt-BR',
        'the web address of the action "lookup" mentions {id}, but none of the details the caller gives has that name',
        'the name of the action "lookup" is used twice; each action needs its own name',
      ],
    });
  });

  it('summarizes for a read-back, and maps an edited agent’s voice back to the catalog', () => {
    const assembled = assemble(complete());
    if (!assembled.ok) throw new Error('not complete');
    const editing = draftFromDefinition(assembled.definition, DEFAULT_VOICE_CATALOG);
    expect(editing.voiceId).toBe(DEFAULT_VOICE_CATALOG[0]?.id);
    expect(summarizeDraft(editing, DEFAULT_VOICE_CATALOG)).toBe(
      'It is called Ada. Its instructions are written (46 characters). It waits for the caller to speak first. Language: en. Voice: Alloy. Nothing essential is missing.',
    );
  });
});
