import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type WorkflowDefinitionInput, workflowDefinitionJsonSchema } from './definition.js';
import { WorkflowValidationError } from './errors.js';
import { createWorkflow } from './runtime.js';
import { workflowTemplates } from './templates.js';
import { parseWorkflow, validateWorkflow } from './validate.js';

function base(): WorkflowDefinitionInput {
  return {
    entry: 'front',
    nodes: [
      { id: 'front', instructions: 'Front desk.' },
      { id: 'back', instructions: 'Back office.' },
    ],
    edges: [
      {
        type: 'transfer',
        from: 'front',
        to: 'back',
        tool: 'to_back',
        description: 'Send to the back office.',
      },
    ],
  };
}

function messagesOf(input: unknown, options?: Parameters<typeof validateWorkflow>[1]): string[] {
  const result = validateWorkflow(input, options);
  return result.issues.map((issue) => issue.message);
}

describe('validateWorkflow', () => {
  it.each(Object.entries(workflowTemplates))(
    'accepts the %s template as shipped',
    (_name, template) => {
      const result = validateWorkflow(template);
      expect(result.issues).toEqual([]);
      expect(result.ok).toBe(true);
      // JSON-serializable: a stored copy parses to the same definition
      expect(parseWorkflow(JSON.parse(JSON.stringify(template)))).toEqual(parseWorkflow(template));
    },
  );

  it('applies defaults: full context, reply on enter, agent kind, no tools', () => {
    const workflow = parseWorkflow(base());
    expect(workflow.version).toBe(1);
    expect(workflow.nodes[0]).toMatchObject({
      kind: 'agent',
      tools: [],
      onEnter: { action: 'reply' },
    });
    expect(workflow.edges[0]).toMatchObject({ context: { policy: 'full' } });
  });

  it('rejects a missing entry node', () => {
    expect(messagesOf({ ...base(), entry: 'lobby' })).toEqual([
      'entry node "lobby" is not defined (nodes: front, back)',
      // nothing is reachable without an entry, but that is not reported twice
    ]);
  });

  it('rejects duplicate nodes and edges to unknown nodes', () => {
    const input = base();
    input.nodes.push({ id: 'back', instructions: 'Again.' });
    input.edges?.push({
      type: 'transfer',
      from: 'back',
      to: 'billing',
      tool: 'to_billing',
      description: 'Billing.',
    });
    input.edges?.push({
      type: 'transfer',
      from: 'basement',
      to: 'front',
      tool: 'upstairs',
      description: 'Up.',
    });
    expect(messagesOf(input)).toEqual([
      'node "back" is defined more than once',
      'edge back → billing (tool "to_billing"): target node "billing" is not defined',
      'edge basement → front (tool "upstairs"): source node "basement" is not defined',
    ]);
  });

  it('rejects unreachable nodes', () => {
    const input = base();
    input.nodes.push({ id: 'attic', instructions: 'Nobody comes here.' });
    const result = validateWorkflow(input);
    expect(result.issues).toEqual([
      {
        code: 'unreachable_node',
        message: 'node "attic" cannot be reached from the entry node "front"',
        node: 'attic',
        path: ['nodes', 2],
      },
    ]);
  });

  it('rejects two tools with the same name on one node, including app tools', () => {
    const input = base();
    input.nodes[0] = { id: 'front', instructions: 'Front desk.', tools: ['lookup'] };
    input.edges?.push(
      { type: 'transfer', from: 'front', to: 'back', tool: 'to_back', description: 'Again.' },
      { type: 'transfer', from: 'front', to: 'back', tool: 'lookup', description: 'Clash.' },
    );
    expect(messagesOf(input)).toEqual([
      'edge front → back (tool "to_back"): node "front" already has a tool named "to_back"',
      'edge front → back (tool "lookup"): node "front" already has a tool named "lookup"',
    ]);
  });

  it('rejects bad argument schemas, naming the edge', () => {
    const input = base();
    const edge = input.edges?.[0];
    if (!edge) throw new Error('fixture');
    input.edges = [
      { ...edge, tool: 'a', arguments: { type: 'string' } },
      {
        ...edge,
        tool: 'b',
        arguments: { type: 'object', properties: { x: { type: 'string' } }, required: ['y'] },
      },
      { ...edge, tool: 'c', arguments: { type: 'object', properties: { x: { type: 'strang' } } } },
      { ...edge, tool: 'd', arguments: { type: 'object', properties: { x: 'string' } } },
    ];
    const messages = messagesOf(input);
    expect(messages).toHaveLength(4);
    expect(messages[0]).toBe(
      'edge front → back (tool "a"): argument schema must have "type": "object" (got "string")',
    );
    expect(messages[1]).toBe(
      'edge front → back (tool "b"): argument schema "required" names undeclared properties: y',
    );
    expect(messages[2]).toMatch(/^edge front → back \(tool "c"\): argument schema .*strang/);
    expect(messages[3]).toBe(
      'edge front → back (tool "d"): argument schema property "x" must be a schema object',
    );
  });

  it('rejects arguments the userdata schema does not declare when it forbids extras', () => {
    const input = base();
    input.userdata = {
      type: 'object',
      properties: { name: { type: 'string' } },
      additionalProperties: false,
    };
    const edge = input.edges?.[0];
    if (!edge) throw new Error('fixture');
    edge.arguments = {
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer' } },
    };
    expect(validateWorkflow(input).issues).toEqual([
      {
        code: 'undeclared_userdata_field',
        message:
          'edge front → back (tool "to_back"): argument "age" is not a field of the userdata schema (which forbids additional properties)',
        edge: { from: 'front', tool: 'to_back' },
        path: ['edges', 0, 'arguments', 'properties', 'age'],
      },
    ]);
  });

  it('rejects a bad userdata schema', () => {
    expect(messagesOf({ ...base(), userdata: { type: 'array' } })).toEqual([
      'userdata schema: must have "type": "object" (got "array")',
    ]);
  });

  it('rejects return edges from a node nobody transfers to', () => {
    const input = base();
    input.edges?.push(
      { type: 'return', from: 'front', tool: 'go_back', description: 'Back.' },
      { type: 'return', from: 'back', tool: 'go_back', description: 'Back.' },
    );
    expect(validateWorkflow(input).issues).toEqual([
      {
        code: 'return_without_caller',
        message:
          'edge front → previous agent (tool "go_back"): no edge transfers to node "front", so there is no agent to return to',
        node: 'front',
        edge: { from: 'front', tool: 'go_back' },
        path: ['edges', 1],
      },
    ]);
  });

  it('reports shape errors with the node or edge they belong to', () => {
    const input = {
      entry: 'front',
      nodes: [
        { id: 'front', instructions: '' },
        { id: 'Back Office', instructions: 'x' },
      ],
      edges: [
        { type: 'transfer', from: 'front', to: 'back', tool: 'to back', description: 'x' },
        {
          type: 'transfer',
          from: 'front',
          to: 'x',
          tool: 'y',
          description: 'z',
          context: { policy: 'last_n' },
        },
      ],
    };
    const result = validateWorkflow(input);
    expect(result.ok).toBe(false);
    const messages = result.issues.map((issue) => issue.message);
    expect(messages).toContainEqual(
      expect.stringMatching(/^node "front" at nodes\.0\.instructions: /),
    );
    expect(messages).toContainEqual(
      expect.stringMatching(/^node "Back Office" at nodes\.1\.id: node ids are/),
    );
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^edge front → back \(tool "to back"\) at edges\.0\.tool: tool names are/,
      ),
    );
    expect(messages).toContainEqual(
      expect.stringMatching(/^edge front → x \(tool "y"\) at edges\.1\.context\.n: /),
    );
    expect(result.issues.find((issue) => issue.path.join('.') === 'edges.0.tool')?.edge).toEqual({
      from: 'front',
      tool: 'to back',
    });
  });

  it('checks app tools when the available names are given', () => {
    const input = base();
    input.nodes[1] = { id: 'back', instructions: 'x', tools: ['refund', 'lookup'] };
    expect(messagesOf(input, { availableTools: ['lookup'] })).toEqual([
      'node "back": tool "refund" is not provided by the app',
    ]);
    expect(messagesOf(input)).toEqual([]);
  });

  it('parseWorkflow throws one error listing every problem', () => {
    const input = base();
    input.nodes.push({ id: 'attic', instructions: 'x' });
    input.edges?.push({ type: 'return', from: 'front', tool: 'back', description: 'x' });
    expect(() => parseWorkflow(input)).toThrow(WorkflowValidationError);
    expect(() => parseWorkflow(input)).toThrow(
      'invalid workflow (2 problems):\n' +
        '- edge front → previous agent (tool "back"): no edge transfers to node "front", so there is no agent to return to\n' +
        '- node "attic" cannot be reached from the entry node "front"',
    );
  });
});

describe('createWorkflow', () => {
  it('rejects unknown app tools and model overrides nobody resolves', () => {
    const input = base();
    input.nodes[1] = { id: 'back', instructions: 'x', tools: ['refund'], llm: { model: 'big' } };
    expect(() => createWorkflow(input)).toThrow(
      'node "back": tool "refund" is not provided by the app',
    );
    input.nodes[1] = { id: 'back', instructions: 'x', llm: { model: 'big' } };
    expect(() => createWorkflow(input)).toThrow(
      'node "back": sets "llm" but no resolveModels option was given',
    );
  });

  it('rejects initial userdata that does not fit the schema', () => {
    const input = {
      ...base(),
      userdata: { type: 'object', properties: { age: { type: 'integer' } } },
    };
    expect(() => createWorkflow(input, { userdata: { age: 'old' } })).toThrow(
      /initial userdata does not match the userdata schema: age: /,
    );
  });
});

describe('workflowDefinitionJsonSchema', () => {
  it('describes the JSON authors write: templates match it, shapeless input does not', () => {
    const schema = workflowDefinitionJsonSchema();
    expect(schema).toMatchObject({ type: 'object', required: ['entry', 'nodes'] });
    const validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    for (const template of Object.values(workflowTemplates)) {
      expect(validator.safeParse(template).success).toBe(true);
    }
    expect(validator.safeParse({ nodes: [] }).success).toBe(false);
    expect(
      validator.safeParse({ ...base(), edges: [{ type: 'teleport', from: 'front', tool: 'x' }] })
        .success,
    ).toBe(false);
  });
});
