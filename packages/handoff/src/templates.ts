import type { WorkflowDefinitionInput } from './definition.js';
import customerSupport from './templates/customer-support.json' with { type: 'json' };
import dynamicRouter from './templates/dynamic-router.json' with { type: 'json' };
import informationCollection from './templates/information-collection.json' with { type: 'json' };
import salesPipeline from './templates/sales-pipeline.json' with { type: 'json' };

/**
 * Ready-made workflows, as the JSON an author would store. Copy one and edit it; each passes
 * `validateWorkflow` as shipped.
 */
export const workflowTemplates = {
  /** greeting → triage → technical | billing → human escalation, with returns to triage. */
  customerSupport: customerSupport as WorkflowDefinitionInput,
  /** intro → qualification → demo → account executive (escalation), or → disqualified. */
  salesPipeline: salesPipeline as WorkflowDefinitionInput,
  /** welcome → collect → verify (→ back to collect to fix) → confirmation. */
  informationCollection: informationCollection as WorkflowDefinitionInput,
  /** router → technical | billing | sales | general, each able to send the caller back. */
  dynamicRouter: dynamicRouter as WorkflowDefinitionInput,
} as const;

export type WorkflowTemplateName = keyof typeof workflowTemplates;
