export {
  carryContext,
  createLLMSummarizer,
  DEFAULT_SUMMARY_PROMPT,
  type Summarizer,
  type SummaryRequest,
  summaryMessageText,
  type TranscriptMessage,
} from './context.js';
export {
  ContextPolicy,
  JsonSchema,
  OnEnter,
  ReturnEdge,
  TransferEdge,
  WorkflowDefinition,
  type WorkflowDefinitionInput,
  WorkflowEdge,
  WorkflowNode,
  workflowDefinitionJsonSchema,
} from './definition.js';
export {
  HandoffError,
  type HandoffErrorCode,
  type WorkflowIssue,
  type WorkflowIssueCode,
  WorkflowValidationError,
} from './errors.js';
export {
  type AnyFunctionTool,
  type CreateWorkflowOptions,
  createWorkflow,
  type EscalationEvent,
  type HandoffEvent,
  type ResolvedModels,
  renderInstructions,
  type TransferRejectedEvent,
  type Workflow,
  type WorkflowEvents,
  type WorkflowUserdata,
} from './runtime.js';
export { type WorkflowTemplateName, workflowTemplates } from './templates.js';
export {
  startWorkflowTestSession,
  type WorkflowTestSession,
  type WorkflowTestSessionOptions,
} from './testing.js';
export {
  describeEdge,
  parseWorkflow,
  type ValidateWorkflowOptions,
  type ValidateWorkflowResult,
  validateWorkflow,
} from './validate.js';
