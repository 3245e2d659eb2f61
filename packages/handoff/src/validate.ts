import { WorkflowDefinition, type WorkflowEdge } from './definition.js';
import { type WorkflowIssue, WorkflowValidationError } from './errors.js';
import { compileObjectSchema } from './json-schema.js';

export interface ValidateWorkflowOptions {
  /**
   * Names of the app tools that can be resolved. When given, nodes that list any other tool are
   * reported (`unknown_tool`). Omit to skip that check (e.g. when storing a draft).
   */
  availableTools?: readonly string[];
}

export type ValidateWorkflowResult =
  | { ok: true; workflow: WorkflowDefinition; issues: [] }
  | { ok: false; issues: WorkflowIssue[] };

/** `edge triage → billing (tool "transfer_to_billing")`, the way every message names an edge. */
export function describeEdge(edge: Pick<WorkflowEdge, 'from' | 'tool'> & { to?: string }): string {
  const target = edge.to === undefined ? 'previous agent' : edge.to;
  return `edge ${edge.from} → ${target} (tool "${edge.tool}")`;
}

/**
 * Parses and checks a workflow definition: shape, unique node ids, entry node, edge endpoints,
 * reachability from the entry, one tool name per node, argument and userdata schemas, userdata
 * fields, and that every node with a return edge has a caller. Reports every problem at once,
 * each naming its node or edge.
 */
export function validateWorkflow(
  input: unknown,
  options: ValidateWorkflowOptions = {},
): ValidateWorkflowResult {
  const parsed = WorkflowDefinition.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => {
        const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
        const where = locate(input, path);
        return {
          code: 'invalid_definition' as const,
          message: `${where.label}${path.length > 0 ? ` at ${path.join('.')}` : ''}: ${issue.message}`,
          path,
          ...(where.node !== undefined ? { node: where.node } : {}),
          ...(where.edge !== undefined ? { edge: where.edge } : {}),
        };
      }),
    };
  }

  const workflow = parsed.data;
  const issues: WorkflowIssue[] = [];
  const nodeIds = new Set<string>();
  workflow.nodes.forEach((node, index) => {
    if (nodeIds.has(node.id)) {
      issues.push({
        code: 'duplicate_node',
        message: `node "${node.id}" is defined more than once`,
        node: node.id,
        path: ['nodes', index, 'id'],
      });
    }
    nodeIds.add(node.id);
  });

  if (!nodeIds.has(workflow.entry)) {
    issues.push({
      code: 'missing_entry',
      message: `entry node "${workflow.entry}" is not defined (nodes: ${[...nodeIds].join(', ')})`,
      path: ['entry'],
    });
  }

  let userdataFields: Set<string> | undefined;
  if (workflow.userdata !== undefined) {
    const compiled = compileObjectSchema(workflow.userdata, { allOptional: true });
    if (!compiled.ok) {
      issues.push({
        code: 'invalid_userdata_schema',
        message: `userdata schema: ${compiled.message}`,
        path: ['userdata'],
      });
    } else if (workflow.userdata.additionalProperties === false) {
      userdataFields = new Set(compiled.properties);
    }
  }

  const toolsByNode = new Map<string, Map<string, number>>();
  for (const node of workflow.nodes) {
    toolsByNode.set(node.id, new Map(node.tools.map((tool, index) => [tool, index])));
  }
  const callers = new Map<string, Set<string>>();
  workflow.edges.forEach((edge, index) => {
    const label = describeEdge(edge);
    const at = { edge: { from: edge.from, tool: edge.tool } };
    if (!nodeIds.has(edge.from)) {
      issues.push({
        code: 'unknown_node',
        message: `${label}: source node "${edge.from}" is not defined`,
        ...at,
        path: ['edges', index, 'from'],
      });
    }
    if (edge.type === 'transfer') {
      if (!nodeIds.has(edge.to)) {
        issues.push({
          code: 'unknown_node',
          message: `${label}: target node "${edge.to}" is not defined`,
          ...at,
          path: ['edges', index, 'to'],
        });
      } else {
        const set = callers.get(edge.to) ?? new Set<string>();
        set.add(edge.from);
        callers.set(edge.to, set);
      }
    }

    const nodeTools = toolsByNode.get(edge.from);
    if (nodeTools) {
      if (nodeTools.has(edge.tool)) {
        issues.push({
          code: 'duplicate_tool',
          message: `${label}: node "${edge.from}" already has a tool named "${edge.tool}"`,
          node: edge.from,
          ...at,
          path: ['edges', index, 'tool'],
        });
      } else {
        nodeTools.set(edge.tool, index);
      }
    }

    if (edge.arguments !== undefined) {
      const compiled = compileObjectSchema(edge.arguments);
      if (!compiled.ok) {
        issues.push({
          code: 'invalid_arguments_schema',
          message: `${label}: argument schema ${compiled.message}`,
          ...at,
          path: ['edges', index, 'arguments'],
        });
      } else if (userdataFields) {
        for (const field of compiled.properties) {
          if (!userdataFields.has(field)) {
            issues.push({
              code: 'undeclared_userdata_field',
              message: `${label}: argument "${field}" is not a field of the userdata schema (which forbids additional properties)`,
              ...at,
              path: ['edges', index, 'arguments', 'properties', field],
            });
          }
        }
      }
    }
  });

  workflow.edges.forEach((edge, index) => {
    if (edge.type !== 'return' || !nodeIds.has(edge.from)) return;
    if (!callers.has(edge.from)) {
      issues.push({
        code: 'return_without_caller',
        message: `${describeEdge(edge)}: no edge transfers to node "${edge.from}", so there is no agent to return to`,
        node: edge.from,
        edge: { from: edge.from, tool: edge.tool },
        path: ['edges', index],
      });
    }
  });

  if (nodeIds.has(workflow.entry)) {
    const reached = new Set([workflow.entry]);
    const queue = [workflow.entry];
    for (let current = queue.shift(); current !== undefined; current = queue.shift()) {
      for (const edge of workflow.edges) {
        if (edge.type === 'transfer' && edge.from === current && !reached.has(edge.to)) {
          reached.add(edge.to);
          queue.push(edge.to);
        }
      }
    }
    workflow.nodes.forEach((node, index) => {
      if (!reached.has(node.id)) {
        issues.push({
          code: 'unreachable_node',
          message: `node "${node.id}" cannot be reached from the entry node "${workflow.entry}"`,
          node: node.id,
          path: ['nodes', index],
        });
      }
    });
  }

  if (options.availableTools) {
    const available = new Set(options.availableTools);
    workflow.nodes.forEach((node, nodeIndex) => {
      node.tools.forEach((tool, toolIndex) => {
        if (!available.has(tool)) {
          issues.push({
            code: 'unknown_tool',
            message: `node "${node.id}": tool "${tool}" is not provided by the app`,
            node: node.id,
            path: ['nodes', nodeIndex, 'tools', toolIndex],
          });
        }
      });
    });
  }

  return issues.length === 0 ? { ok: true, workflow, issues: [] } : { ok: false, issues };
}

/** Like {@link validateWorkflow}, but returns the parsed definition or throws a {@link WorkflowValidationError}. */
export function parseWorkflow(
  input: unknown,
  options: ValidateWorkflowOptions = {},
): WorkflowDefinition {
  const result = validateWorkflow(input, options);
  if (!result.ok) throw new WorkflowValidationError(result.issues);
  return result.workflow;
}

/** Names the node/edge a schema issue path points into, using the raw input. */
function locate(
  input: unknown,
  path: Array<string | number>,
): { label: string; node?: string; edge?: { from: string; tool: string } } {
  const [section, index] = path;
  if (typeof index !== 'number' || !isRecord(input)) return { label: 'workflow' };
  const list = input[section as string];
  const item = Array.isArray(list) ? list[index] : undefined;
  if (section === 'nodes') {
    const id = isRecord(item) && typeof item.id === 'string' ? item.id : undefined;
    return id === undefined ? { label: `node #${index}` } : { label: `node "${id}"`, node: id };
  }
  if (section === 'edges' && isRecord(item)) {
    const from = typeof item.from === 'string' ? item.from : '?';
    const tool = typeof item.tool === 'string' ? item.tool : '?';
    const to = typeof item.to === 'string' ? item.to : undefined;
    return { label: describeEdge({ from, tool, to }), edge: { from, tool } };
  }
  return { label: `${String(section)} #${index}` };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
