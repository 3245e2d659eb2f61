import { voice } from '@livekit/agents';
import type { ProviderKeys } from '@voxie/agent-core';
import type { Logger } from '@voxie/config';
import type { Database } from '@voxie/db';
import { createCreatorTools } from './creator-tools.js';
import type { CreationDefaults } from './draft.js';
import { DraftStore } from './draft-store.js';
import { type Opening, openingTurnInstructions, voxieInstructions } from './prompts.js';
import { availableVoices, type VoiceCatalog, type VoiceOption } from './voice-catalog.js';

export interface PrepareCreatorOptions {
  database: Pick<Database, 'db' | 'kind'>;
  /** Whom Voxie works for: from the dispatch metadata / participant attributes only. */
  ownerId: string;
  /** The creation session (dispatch metadata `sessionId`). */
  sessionId?: string;
  /** Agent to edit (dispatch metadata `agentId`); must belong to `ownerId`. */
  editAgentId?: string;
  keys: ProviderKeys;
  catalog: VoiceCatalog;
  defaults: CreationDefaults;
  logger: Logger;
}

/** Voxie, ready to start in an `AgentSession` (text or voice). */
export interface PreparedCreator {
  agent: voice.Agent;
  store: DraftStore;
  opening: Opening;
  voices: VoiceOption[];
  /** Voxie's first turn (welcome, welcome back, or "your agent is open"). */
  greet(session: voice.AgentSession): voice.SpeechHandle;
}

/**
 * Opens (or resumes) the owner's working draft and builds Voxie around it: instructions from
 * `prompts.ts` with the draft's state, and the creator tools bound to this owner and draft.
 */
export async function prepareCreator(options: PrepareCreatorOptions): Promise<PreparedCreator> {
  const voices = availableVoices(options.catalog, options.keys);
  const { store, opening } = await DraftStore.open({
    database: options.database,
    ownerId: options.ownerId,
    sessionId: options.sessionId,
    editAgentId: options.editAgentId,
    defaults: options.defaults,
    voices,
  });
  const logger = options.logger.child({ ownerId: options.ownerId, draftId: store.draftId });
  logger.info({ event: 'voxie.draft_opened', opening: opening.kind }, 'creation draft opened');
  const agent = new voice.Agent({
    instructions: voxieInstructions({ voices, opening }),
    tools: createCreatorTools({
      store,
      database: options.database,
      keys: options.keys,
      voices,
      logger,
    }),
  });
  return {
    agent,
    store,
    opening,
    voices,
    greet: (session) => session.generateReply({ instructions: openingTurnInstructions(opening) }),
  };
}
