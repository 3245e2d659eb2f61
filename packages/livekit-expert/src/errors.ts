import { VoxieError } from '@voxie/config';

export type ExpertErrorCode =
  | 'invalid_knowledge_entry'
  | 'duplicate_knowledge_entry'
  | 'prompt_over_budget'
  | 'input_not_found'
  | 'invalid_llm_route';

/** Raised by the LiveKit expert for unusable knowledge files, inputs or LLM answers. */
export class ExpertError extends VoxieError<ExpertErrorCode> {}
