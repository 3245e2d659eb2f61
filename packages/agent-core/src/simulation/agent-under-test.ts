import { llm, voice } from '@livekit/agents';
import { type AnyFunctionTool, createWorkflow, type Workflow } from '@voxie/handoff';
import { type AgentDefinition, LlmSettings } from '../agent-definition.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { HttpToolDefinition } from '../tools/tool-definition.js';
import { buildTools, type ToolRuntime } from '../tools/tool-registry.js';
import type { ToolFixture } from './schemas.js';

export interface AgentUnderTestOptions {
  registry: ProviderRegistry;
  /** Use this LLM instead of the definition's (workflow nodes included). */
  llm?: llm.LLM;
  /** Tools named here answer from these fixtures instead of calling their service. */
  fixtures?: readonly ToolFixture[];
  tools?: ToolRuntime;
}

/** A stored definition made runnable as a text-only session for a simulation. */
export interface AgentUnderTest {
  agent: voice.Agent;
  workflow?: Workflow;
  sessionOptions: voice.AgentSessionOptions;
  /** Names of the definition's `end_call` tools. */
  endCallTools: ReadonlySet<string>;
  /** The system prompt the agent starts with (for exports). */
  instructions: string;
}

function subsetMatches(expected: Record<string, unknown>, actual: unknown): boolean {
  if (typeof actual !== 'object' || actual === null) return false;
  const record = actual as Record<string, unknown>;
  return Object.entries(expected).every(
    ([key, value]) => JSON.stringify(record[key]) === JSON.stringify(value),
  );
}

/** `args` includes every value of `expected` (compared as JSON). */
export function argumentsInclude(
  expected: Record<string, unknown> | undefined,
  args: unknown,
): boolean {
  return expected === undefined || subsetMatches(expected, args);
}

/**
 * A tool with the declared name, description and parameters whose answer comes from fixtures:
 * the first fixture whose `whenArguments` the call's arguments include.
 */
export function createFixtureTool(
  definition: HttpToolDefinition,
  fixtures: readonly ToolFixture[],
): llm.ToolContextEntry {
  return llm.tool({
    name: definition.name,
    description: definition.description,
    parameters: definition.parameters as Parameters<typeof llm.tool>[0]['parameters'],
    execute: async (args) => {
      const fixture = fixtures.find((f) => argumentsInclude(f.whenArguments, args ?? {}));
      if (!fixture) {
        throw new llm.ToolError(
          `The ${definition.name} service has no answer for these arguments.`,
        );
      }
      if (fixture.error !== undefined) throw new llm.ToolError(fixture.error);
      return fixture.output ?? null;
    },
  });
}

function languageInstructions(definition: AgentDefinition): string {
  return definition.language === 'en'
    ? definition.instructions
    : `${definition.instructions}\n\nSpeak ${definition.language} (BCP 47) unless the caller switches language.`;
}

/** The system prompt the agent starts a conversation with (its workflow's entry node, if any). */
export function systemPromptOf(definition: AgentDefinition): string {
  const entry = definition.workflow?.nodes.find((node) => node.id === definition.workflow?.entry);
  return entry?.instructions ?? languageInstructions(definition);
}

/**
 * Builds the agent under test as the agent factory does in text mode, except that tools with
 * fixtures are replaced by {@link createFixtureTool}. The factory takes no tool overrides, so
 * the (small) text-mode assembly is repeated here; keep it in step with `buildAgent`.
 */
export function buildAgentUnderTest(
  definition: AgentDefinition,
  options: AgentUnderTestOptions,
): AgentUnderTest {
  const fixturesByTool = new Map<string, ToolFixture[]>();
  for (const fixture of options.fixtures ?? []) {
    fixturesByTool.set(fixture.tool, [...(fixturesByTool.get(fixture.tool) ?? []), fixture]);
  }
  const live = buildTools(definition.tools, options.tools);
  const tools = definition.tools.map((tool, index) => {
    const fixtures = fixturesByTool.get(tool.name);
    return tool.type === 'http' && fixtures ? createFixtureTool(tool, fixtures) : live[index];
  }) as llm.ToolContextEntry[];
  const model = options.llm ?? options.registry.createLlm(definition.llm);
  const instructions = languageInstructions(definition);

  let agent: voice.Agent;
  let workflow: Workflow | undefined;
  if (definition.workflow) {
    workflow = createWorkflow(definition.workflow, {
      tools: tools as AnyFunctionTool[],
      resolveModels: (node) => ({
        llm:
          options.llm ??
          (node.llm ? options.registry.createLlm(LlmSettings.parse(node.llm)) : undefined),
      }),
    });
    agent = workflow.entryAgent;
  } else {
    agent = new voice.Agent({ instructions, tools });
  }
  const entryInstructions = systemPromptOf(definition);
  return {
    agent,
    workflow,
    sessionOptions: {
      userData: workflow?.userdata,
      llm: model,
      vad: null,
      turnHandling: { turnDetection: null },
      userAwayTimeout: null,
    },
    endCallTools: new Set(definition.tools.filter((t) => t.type === 'end_call').map((t) => t.name)),
    instructions: entryInstructions,
  };
}
