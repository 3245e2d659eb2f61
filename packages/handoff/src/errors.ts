export type WorkflowIssueCode =
  | 'invalid_definition'
  | 'duplicate_node'
  | 'missing_entry'
  | 'unknown_node'
  | 'unreachable_node'
  | 'duplicate_tool'
  | 'invalid_arguments_schema'
  | 'invalid_userdata_schema'
  | 'undeclared_userdata_field'
  | 'return_without_caller'
  | 'unknown_tool'
  | 'missing_model_resolver';

/** One problem found in a workflow definition, located by node and/or edge. */
export interface WorkflowIssue {
  code: WorkflowIssueCode;
  /** Human-readable, names the faulty node/edge, e.g. `edge triage → billing (tool "to_billing"): ...`. */
  message: string;
  /** The node at fault, when there is one. */
  node?: string;
  /** The edge at fault, identified by its source node and tool name. */
  edge?: { from: string; tool: string };
  /** Path into the definition JSON (e.g. `["edges", 2, "arguments"]`). */
  path: Array<string | number>;
}

export type HandoffErrorCode = 'invalid_workflow';

/** Base error of this package: `code` says what went wrong, `cause` keeps the underlying error. */
export class HandoffError extends Error {
  readonly code: HandoffErrorCode;

  constructor(code: HandoffErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Raised when a workflow definition cannot run; `issues` lists every problem found at once. */
export class WorkflowValidationError extends HandoffError {
  readonly issues: WorkflowIssue[];

  constructor(issues: WorkflowIssue[]) {
    super(
      'invalid_workflow',
      `invalid workflow (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues
        .map((issue) => `- ${issue.message}`)
        .join('\n')}`,
    );
    this.issues = issues;
  }
}
