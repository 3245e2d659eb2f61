import { AgentDefinition, type LlmSettings, type SttSettings } from '@voxie/agent-core';
import { z } from 'zod';
import { type PathLabeler, speakIssues, words } from './speakable.js';
import type { VoiceOption } from './voice-catalog.js';

/**
 * The agent a person is building, as Voxie keeps it between tool calls and stores it in
 * `voxie_drafts.definition`: a partial agent definition (the same JSON the control API
 * stores, filled in as the interview goes), the interview notes that are not part of the
 * definition, and the chosen catalog voice.
 */
export const DraftState = z.object({
  format: z.literal(1).default(1),
  /** Partial `AgentDefinitionInput`; complete once every essential is set. */
  definition: z.record(z.string(), z.unknown()).default({}),
  notes: z
    .object({
      purpose: z.string().optional(),
      audience: z.string().optional(),
      personality: z.string().optional(),
    })
    .default({}),
  voiceId: z.string().optional(),
});
export type DraftState = z.infer<typeof DraftState>;

/** What a new agent gets unless the person says otherwise: the deployment's models. */
export interface CreationDefaults {
  llm: LlmSettings;
  stt: SttSettings;
}

/** Id of the main agent's node once an agent has specialists. */
export const MAIN_NODE_ID = 'main';

/** A fresh draft: only the deployment's model settings are decided. */
export function newDraft(defaults: CreationDefaults): DraftState {
  return DraftState.parse({
    definition: {
      schemaVersion: 1,
      language: 'en',
      llm: defaults.llm,
      stt: defaults.stt,
      tools: [],
    },
  });
}

/** A draft that edits a stored definition; the voice is matched back to the catalog if it can be. */
export function draftFromDefinition(
  definition: AgentDefinition,
  catalog: readonly VoiceOption[],
): DraftState {
  const voice = catalog.find(
    (option) =>
      option.tts.provider === definition.tts.provider &&
      option.tts.voice === definition.tts.voice &&
      (option.tts.model ?? undefined) === (definition.tts.model ?? undefined),
  );
  return DraftState.parse({
    definition: JSON.parse(JSON.stringify(definition)) as Record<string, unknown>,
    voiceId: voice?.id,
  });
}

/** Reads a stored draft; anything unreadable starts over rather than failing the session. */
export function readDraft(stored: unknown, defaults: CreationDefaults): DraftState {
  const parsed = DraftState.safeParse(stored);
  return parsed.success ? parsed.data : newDraft(defaults);
}

export type Assembled =
  | { ok: true; definition: AgentDefinition }
  | { ok: false; problems: string[] };

const TOP_LEVEL_LABELS: Record<string, string> = {
  name: "the agent's name",
  description: 'the description',
  instructions: "the agent's instructions",
  greeting: 'the greeting',
  language: 'the language',
  tts: 'the voice',
  llm: 'the language model setting',
  stt: 'the speech recognition setting',
  turnHandling: 'the turn-taking settings',
  postSession: 'the recording settings',
  tools: 'the actions',
  workflow: 'the specialists setup',
};

const TOOL_FIELD_LABELS: Record<string, string> = {
  url: 'web address',
  description: 'description',
  name: 'name',
  parameters: 'details it asks for',
  headers: 'headers',
  method: 'method',
  timeoutMs: 'time limit',
};

/** Labels definition paths in words, naming tools and specialists by their names. */
export function definitionLabeler(definition: Record<string, unknown>): PathLabeler {
  return (path) => {
    const [first, second, third] = path;
    if (first === undefined) return 'the agent';
    const key = String(first);
    if (key === 'greeting') {
      if (second === 'text') return 'the greeting text';
      if (second === 'instructions') return 'the greeting guidance';
      if (second === 'mode') return 'the greeting style';
    }
    if (key === 'tools' && typeof second === 'number') {
      const tools = Array.isArray(definition.tools) ? definition.tools : [];
      const tool = tools[second] as { name?: unknown } | undefined;
      const name = typeof tool?.name === 'string' ? `the action "${tool.name}"` : 'an action';
      if (third === undefined) return name;
      return `the ${TOOL_FIELD_LABELS[String(third)] ?? words(String(third))} of ${name}`;
    }
    if (key === 'workflow') return 'the specialists setup:';
    return TOP_LEVEL_LABELS[key] ?? `the ${words(key)}`;
  };
}

/** The essentials a person must decide before anything can be saved, in interview order. */
export function missingEssentials(draft: DraftState): string[] {
  const d = draft.definition;
  const missing: string[] = [];
  if (!isText(d.name)) missing.push('a name');
  if (!isText(d.instructions)) missing.push('instructions saying what the agent does');
  if (d.greeting === undefined) missing.push('how it greets callers');
  if (d.tts === undefined) missing.push('a voice');
  return missing;
}

/** The complete definition, or every problem in plain words (missing essentials first). */
export function assemble(draft: DraftState): Assembled {
  const missing = missingEssentials(draft);
  if (missing.length > 0) {
    return { ok: false, problems: [`it still needs ${listWords(missing)}`] };
  }
  const parsed = AgentDefinition.safeParse(draft.definition, { reportInput: true });
  if (parsed.success) return { ok: true, definition: parsed.data };
  return {
    ok: false,
    problems: speakIssues(parsed.error.issues, definitionLabeler(draft.definition)),
  };
}

/** A short read-back of the draft, in plain words, for `review_draft` and resuming. */
export function summarizeDraft(draft: DraftState, voices: readonly VoiceOption[]): string {
  const d = draft.definition;
  const parts: string[] = [];
  parts.push(isText(d.name) ? `It is called ${d.name}.` : 'It has no name yet.');
  if (draft.notes.purpose) parts.push(`Purpose: ${draft.notes.purpose}.`);
  else if (isText(d.description)) parts.push(`Purpose: ${d.description}.`);
  if (draft.notes.audience) parts.push(`Callers: ${draft.notes.audience}.`);
  if (draft.notes.personality) parts.push(`Personality: ${draft.notes.personality}.`);
  if (isText(d.instructions)) {
    parts.push(`Its instructions are written (${String(d.instructions).length} characters).`);
  }
  const greeting = d.greeting as
    | { mode?: string; text?: string; instructions?: string }
    | undefined;
  if (greeting?.mode === 'say' && greeting.text) parts.push(`It opens with: "${greeting.text}".`);
  if (greeting?.mode === 'generate') parts.push('It improvises its greeting.');
  if (greeting?.mode === 'wait') parts.push('It waits for the caller to speak first.');
  if (isText(d.language)) parts.push(`Language: ${d.language}.`);
  const tts = d.tts as { voice?: string } | undefined;
  if (tts) {
    const voice = voices.find((option) => option.id === draft.voiceId);
    parts.push(`Voice: ${voice ? voice.label : (tts.voice ?? 'custom')}.`);
  }
  const tools = toolNames(draft);
  if (tools.length > 0) parts.push(`Actions: ${tools.join(', ')}.`);
  const specialists = specialistNames(draft);
  if (specialists.length > 0) parts.push(`Specialists: ${specialists.join(', ')}.`);
  const missing = missingEssentials(draft);
  parts.push(
    missing.length > 0 ? `Still missing: ${listWords(missing)}.` : 'Nothing essential is missing.',
  );
  return parts.join(' ');
}

export function toolNames(draft: DraftState): string[] {
  const tools = Array.isArray(draft.definition.tools) ? draft.definition.tools : [];
  return tools.flatMap((tool) => {
    const name = (tool as { name?: unknown }).name;
    return typeof name === 'string' ? [name] : [];
  });
}

interface WorkflowShape {
  entry: string;
  nodes: Array<{ id: string; name?: string; instructions?: string; tools?: string[] }>;
  edges: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

/** The draft's workflow (its JSON, mutable copy), if it has specialists. */
export function workflowOf(draft: DraftState): WorkflowShape | undefined {
  const workflow = draft.definition.workflow as WorkflowShape | undefined;
  return workflow && Array.isArray(workflow.nodes) ? workflow : undefined;
}

export function specialistNames(draft: DraftState): string[] {
  const workflow = workflowOf(draft);
  if (!workflow) return [];
  return workflow.nodes
    .filter((node) => node.id !== workflow.entry)
    .map((node) => node.name ?? node.id);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

/** `a, b and c`. */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
