import { AgentDefinition } from '@voxie/agent-core';
import { AgentRepository, type Database, type VoxieDraft, VoxieDraftRepository } from '@voxie/db';
import {
  type CreationDefaults,
  type DraftState,
  draftFromDefinition,
  newDraft,
  readDraft,
  summarizeDraft,
} from './draft.js';
import type { Opening } from './prompts.js';
import type { VoiceOption } from './voice-catalog.js';

export interface OpenDraftOptions {
  database: Pick<Database, 'db'>;
  /** The owner the control API dispatched Voxie for; every read and write is scoped to it. */
  ownerId: string;
  /** The creation session (from the dispatch metadata), recorded on the draft. */
  sessionId?: string;
  /** The agent the person asked to edit (dispatch metadata `agentId`). */
  editAgentId?: string;
  defaults: CreationDefaults;
  voices: readonly VoiceOption[];
}

/**
 * The person's working draft, persisted after every change so a dropped connection loses
 * nothing: the next creation session of the same owner resumes it.
 */
export class DraftStore {
  readonly #drafts: VoxieDraftRepository;
  readonly #agents: AgentRepository;
  readonly #options: OpenDraftOptions;
  #row: VoxieDraft;
  #state: DraftState;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(options: OpenDraftOptions, row: VoxieDraft, state: DraftState) {
    this.#options = options;
    this.#drafts = new VoxieDraftRepository(options.database.db);
    this.#agents = new AgentRepository(options.database.db);
    this.#row = row;
    this.#state = state;
  }

  /**
   * Opens the draft a session continues: when editing, the owner's open draft of that agent
   * or a new one from the agent's current draft; otherwise the owner's most recent open draft,
   * or a new one. Says how the conversation should open.
   */
  static async open(options: OpenDraftOptions): Promise<{ store: DraftStore; opening: Opening }> {
    const drafts = new VoxieDraftRepository(options.database.db);
    const agents = new AgentRepository(options.database.db);
    const { ownerId, sessionId } = options;
    if (options.editAgentId) {
      const agent = await agents.get(ownerId, options.editAgentId);
      if (agent) {
        const existing = await drafts.findResumable(ownerId, { agentId: agent.id });
        const row =
          existing ??
          (await drafts.create({
            ownerId,
            sessionId,
            agentId: agent.id,
            definition: editableDraft(agent.draft, options),
          }));
        const store = await DraftStore.#adopt(options, row);
        return {
          store,
          opening: { kind: 'edit', agentName: agent.name, summary: store.summary() },
        };
      }
      const row = await drafts.create({
        ownerId,
        sessionId,
        definition: newDraft(options.defaults),
      });
      return { store: await DraftStore.#adopt(options, row), opening: { kind: 'edit_not_found' } };
    }
    const resumable = await drafts.findResumable(ownerId);
    if (resumable) {
      const store = await DraftStore.#adopt(options, resumable);
      return { store, opening: { kind: 'resume', summary: store.summary() } };
    }
    const row = await drafts.create({ ownerId, sessionId, definition: newDraft(options.defaults) });
    return { store: await DraftStore.#adopt(options, row), opening: { kind: 'new' } };
  }

  static async #adopt(options: OpenDraftOptions, row: VoxieDraft): Promise<DraftStore> {
    let current = row;
    if (options.sessionId && row.sessionId !== options.sessionId) {
      current =
        (await new VoxieDraftRepository(options.database.db).update(options.ownerId, row.id, {
          sessionId: options.sessionId,
        })) ?? row;
    }
    return new DraftStore(options, current, readDraft(current.definition, options.defaults));
  }

  /**
   * Runs `work` after every earlier piece of work has finished. The framework executes one
   * turn's tool calls concurrently; running them one at a time, in call order, keeps each
   * read-modify-write of the draft whole (and "choose a voice, then save" saves the voice).
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  get ownerId(): string {
    return this.#options.ownerId;
  }

  get draftId(): string {
    return this.#row.id;
  }

  /** The saved agent this draft belongs to, once saved (or when editing). */
  get agentId(): string | undefined {
    return this.#row.agentId ?? undefined;
  }

  /** A copy: change it and pass it to {@link update}. */
  get state(): DraftState {
    return structuredClone(this.#state);
  }

  summary(): string {
    return summarizeDraft(this.#state, this.#options.voices);
  }

  /**
   * Replaces the draft and stores it at once. After a publish the published row is left as it
   * is and further changes go to a new draft of the same agent.
   */
  async update(state: DraftState): Promise<void> {
    const row =
      this.#row.status === 'open'
        ? await this.#drafts.update(this.ownerId, this.#row.id, { definition: state })
        : await this.#drafts.create({
            ownerId: this.ownerId,
            sessionId: this.#options.sessionId,
            agentId: this.#row.agentId ?? undefined,
            definition: state,
          });
    if (!row) throw new Error('the working draft disappeared');
    this.#row = row;
    this.#state = structuredClone(state);
  }

  /** Records that the draft was saved as `agentId`. */
  async linkAgent(agentId: string): Promise<void> {
    const row = await this.#drafts.update(this.ownerId, this.#row.id, { agentId });
    if (row) this.#row = row;
  }

  /** The draft is done: a person coming back is not offered it again. */
  async markPublished(): Promise<void> {
    const row = await this.#drafts.setStatus(this.ownerId, this.#row.id, 'published');
    if (row) this.#row = row;
  }

  /** Discards this draft and starts an empty one. */
  async startOver(): Promise<void> {
    await this.#drafts.setStatus(this.ownerId, this.#row.id, 'discarded');
    const state = newDraft(this.#options.defaults);
    this.#row = await this.#drafts.create({
      ownerId: this.ownerId,
      sessionId: this.#options.sessionId,
      definition: state,
    });
    this.#state = state;
  }

  /**
   * Switches to editing one of the owner's agents (by id or case-insensitive name). The current
   * draft stays open. Undefined when the owner has no such agent.
   */
  async openAgent(nameOrId: string): Promise<{ name: string } | undefined> {
    const byId = /^[0-9a-f-]{36}$/i.test(nameOrId)
      ? await this.#agents.get(this.ownerId, nameOrId.toLowerCase())
      : undefined;
    const agent = byId ?? (await this.#agents.findByName(this.ownerId, nameOrId.trim()));
    if (!agent) return undefined;
    const existing = await this.#drafts.findResumable(this.ownerId, { agentId: agent.id });
    const row =
      existing ??
      (await this.#drafts.create({
        ownerId: this.ownerId,
        sessionId: this.#options.sessionId,
        agentId: agent.id,
        definition: editableDraft(agent.draft, this.#options),
      }));
    this.#row = row;
    this.#state = readDraft(row.definition, this.#options.defaults);
    return { name: agent.name };
  }
}

function editableDraft(stored: unknown, options: OpenDraftOptions): DraftState {
  const parsed = AgentDefinition.safeParse(stored);
  if (parsed.success) return draftFromDefinition(parsed.data, options.voices);
  // A stored draft that no longer parses is still the person's work: keep its fields.
  const state = newDraft(options.defaults);
  if (stored && typeof stored === 'object') {
    state.definition = { ...state.definition, ...(stored as Record<string, unknown>) };
  }
  return state;
}
