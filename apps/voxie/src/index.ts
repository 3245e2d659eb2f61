export { recordCreationSession } from './creation-recording.js';
export { type ParticipantLike, type RoomLike, waitForCreator } from './creator-participant.js';
export {
  type PrepareCreatorOptions,
  type PreparedCreator,
  prepareCreator,
} from './creator-session.js';
export {
  type CreatorContext,
  CreatorProblem,
  createCreatorTools,
} from './creator-tools.js';
export {
  type Assembled,
  assemble,
  type CreationDefaults,
  DraftState,
  draftFromDefinition,
  MAIN_NODE_ID,
  missingEssentials,
  newDraft,
  summarizeDraft,
} from './draft.js';
export { DraftStore, type OpenDraftOptions } from './draft-store.js';
export { loadVoxieEnv, type VoxieEnv } from './env.js';
export {
  decideVoxieJob,
  type OwnerResolution,
  resolveOwner,
  VOXIE_AGENT_NAME,
  VOXIE_ATTRIBUTES,
  VOXIE_OWNER_ATTRIBUTE,
  type VoxieJobDecision,
  type VoxieJobFacts,
} from './job-decision.js';
export {
  type Opening,
  openingTurnInstructions,
  TOOL_DESCRIPTIONS,
  VOXIE_PROMPT_VERSION,
  voxieInstructions,
} from './prompts.js';
export { createVoxieRequestHandler, type JobRequestLike } from './request-handler.js';
export { createVoxieRuntime, type VoxieRuntime } from './runtime.js';
export {
  availableVoices,
  DEFAULT_VOICE_CATALOG,
  VoiceCatalog,
  VoiceOption,
  voicesForLanguage,
} from './voice-catalog.js';
export { startVoxie, type VoxieWorker } from './worker.js';
