import { llm } from '@livekit/agents';
import {
  type AgentDefinition,
  checkProviders,
  HttpToolDefinition,
  notifyAgentChanged,
  type ProviderKeys,
} from '@voxie/agent-core';
import type { Logger } from '@voxie/config';
import { AgentRepository, type Database } from '@voxie/db';
import { z } from 'zod';
import {
  assemble,
  type DraftState,
  definitionLabeler,
  listWords,
  MAIN_NODE_ID,
  summarizeDraft,
  toolNames,
  workflowOf,
} from './draft.js';
import type { DraftStore } from './draft-store.js';
import { type CreatorToolName, TOOL_DESCRIPTIONS } from './prompts.js';
import { argumentLabeler, joinProblems, type PathLabeler, speakIssues } from './speakable.js';
import { type VoiceOption, voicesForLanguage } from './voice-catalog.js';

/** What the creator tools act on. The owner comes from the job, never from the conversation. */
export interface CreatorContext {
  store: DraftStore;
  database: Pick<Database, 'db' | 'kind'>;
  /** The deployment's provider keys: publishing refuses what cannot run here. */
  keys: ProviderKeys;
  /** Voices available on this deployment. */
  voices: readonly VoiceOption[];
  logger: Logger;
}

/** A problem the person can fix; its message is what Voxie reads. */
export class CreatorProblem extends Error {
  override readonly name = 'CreatorProblem';
}

const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const TOOL_NAME = /^[a-zA-Z_][a-zA-Z0-9_-]{0,63}$/;

const Text = (max: number) => z.string().trim().min(1).max(max);

const SetBasicsArgs = z
  .object({
    name: Text(100).optional().describe("The agent's name"),
    description: Text(1000).optional().describe('One sentence saying what the agent is for'),
    purpose: Text(1000).optional().describe('What the agent must achieve'),
    audience: Text(1000).optional().describe('Who calls the agent'),
    personality: Text(1000).optional().describe('Tone and style'),
    language: z
      .string()
      .trim()
      .regex(LANGUAGE_TAG, { message: 'must be a language tag like en, fr or pt-BR' })
      .optional()
      .describe('Language tag, e.g. en, fr, pt-BR'),
  })
  .refine((args) => Object.values(args).some((value) => value !== undefined), {
    message:
      'needs at least one detail (name, description, purpose, audience, personality or language)',
  });

const SetInstructionsArgs = z.object({
  instructions: z
    .string()
    .trim()
    .min(20, { message: 'are too short to guide the agent: describe what it does and how' })
    .max(50_000)
    .describe('The full brief, in the second person'),
});

const SetGreetingArgs = z
  .object({
    mode: z.enum(['say', 'generate', 'wait']).describe('say | generate | wait'),
    text: z
      .string()
      .trim()
      .max(1000)
      .optional()
      .describe('For say: the exact line. For generate: guidance for the greeting.'),
  })
  .superRefine((args, ctx) => {
    if (args.mode !== 'wait' && !args.text) {
      ctx.addIssue({
        code: 'custom',
        path: ['text'],
        message:
          args.mode === 'say'
            ? 'is missing: what exactly should the agent say first?'
            : 'is missing: what should the improvised greeting mention?',
      });
    }
  });

const ListVoicesArgs = z.object({
  language: z.string().trim().optional().describe('Only voices suited to this language tag'),
});

const ChooseVoiceArgs = z.object({
  voice_id: z.string().trim().min(1).describe('Id of a voice from the list'),
});

const HttpInput = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, {
      message: 'must be a single word of letters, digits or underscores, like orderId',
    })
    .describe('Detail name, e.g. orderId'),
  description: Text(500).describe('What the caller must give, in words'),
  type: z.enum(['string', 'number', 'integer', 'boolean']).default('string'),
  required: z.boolean().default(true),
});

const AddHttpToolArgs = z.object({
  name: z
    .string()
    .trim()
    .regex(TOOL_NAME, {
      message: 'must be one word of letters, digits, _ or - (like look_up_order)',
    })
    .describe('Action name, e.g. look_up_order'),
  description: Text(2000).describe('When the agent should use this action and what it returns'),
  url: Text(2000).describe('Web address; {placeholders} are filled from details of the same name'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  inputs: z.array(HttpInput).max(20).default([]).describe('Details the caller must provide'),
  secret_header: z
    .object({
      header: z.string().trim().min(1).describe('Header name, e.g. Authorization'),
      secret: z.string().trim().min(1).describe('Name of the stored secret, e.g. crm_token'),
      prefix: z.string().max(100).optional().describe('Text before the secret, e.g. "Bearer "'),
    })
    .optional()
    .describe('A header carrying a stored secret, by the secret’s name'),
});

const RemoveToolArgs = z.object({ name: Text(64).describe('Name of the action to remove') });

const AllowHangUpArgs = z.object({ enabled: z.boolean() });

const AddSpecialistArgs = z.object({
  name: Text(100).describe('Specialist name, e.g. Billing'),
  instructions: z
    .string()
    .trim()
    .min(20, { message: 'are too short: describe what the specialist does' })
    .max(20_000)
    .describe("The specialist's brief, in the second person"),
  when_to_transfer: Text(1000).describe('When the main agent should hand the caller over'),
});

const AddHandoffArgs = z.object({
  from: Text(100).describe('Agent handing over: "main" or a specialist name'),
  to: Text(100).describe('Agent taking over: "main" or a specialist name'),
  when: Text(1000).describe('When to hand over'),
});

const NoArgs = z.object({});

const LoadAgentArgs = z.object({
  name_or_id: Text(200).describe('The agent’s name or id'),
});

type ToolSchema = z.ZodType<Record<string, unknown>, Record<string, unknown>>;

const ARGUMENT_LABELS: Record<string, string> = {
  text: 'the greeting text',
  voice_id: 'the voice',
  url: 'the web address',
  inputs: 'the details',
  secret_header: 'the secret header',
  when_to_transfer: 'when to hand over',
  name_or_id: 'the agent to open',
  instructions: 'the instructions text',
};

/** Tool arguments' JSON schema as the LLM sees it (the framework does not validate it). */
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete json.$schema;
  return json;
}

/**
 * One creator tool: arguments validated with the real schema here (not by the framework, whose
 * messages are not speakable), every failure turned into a `ToolError` Voxie can read out.
 */
function creatorTool<S extends ToolSchema>(
  name: CreatorToolName,
  schema: S,
  context: CreatorContext,
  run: (args: z.output<S>) => Promise<string>,
) {
  return llm.tool({
    name,
    description: TOOL_DESCRIPTIONS[name],
    parameters: jsonSchemaOf(schema) as never,
    execute: async (raw: unknown) => {
      const parsed = schema.safeParse(raw ?? {}, { reportInput: true });
      if (!parsed.success) {
        const problems = speakIssues(parsed.error.issues, argumentLabeler(ARGUMENT_LABELS));
        throw new llm.ToolError(`That did not work: ${joinProblems(problems)}`);
      }
      try {
        return await context.store.exclusive(() => run(parsed.data));
      } catch (error) {
        if (error instanceof CreatorProblem) throw new llm.ToolError(error.message);
        context.logger.error(
          { event: 'voxie.tool_failed', tool: name, err: error },
          'creator tool failed',
        );
        throw new llm.ToolError(
          'Something went wrong on my side while doing that. Nothing was lost; please try again in a moment.',
        );
      }
    },
  });
}

function slug(name: string): string {
  const base = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
  return /^[a-z]/.test(base) ? base : `s_${base || 'specialist'}`;
}

function ensureWorkflow(state: DraftState) {
  const existing = workflowOf(state);
  if (existing) return existing;
  const d = state.definition;
  const workflow = {
    version: 1,
    entry: MAIN_NODE_ID,
    nodes: [
      {
        id: MAIN_NODE_ID,
        name: typeof d.name === 'string' ? d.name : 'Main',
        instructions: typeof d.instructions === 'string' ? d.instructions : 'Help the caller.',
        tools: toolNames(state),
      },
    ],
    edges: [] as Array<Record<string, unknown>>,
  };
  d.workflow = workflow;
  return workflow;
}

function findNode(state: DraftState, nameOrId: string) {
  const workflow = workflowOf(state);
  const wanted = nameOrId.trim().toLowerCase();
  if (!workflow) return wanted === MAIN_NODE_ID ? { id: MAIN_NODE_ID } : undefined;
  if (wanted === 'main' || wanted === 'main agent') {
    return workflow.nodes.find((node) => node.id === workflow.entry);
  }
  return workflow.nodes.find(
    (node) => node.id === wanted || node.name?.toLowerCase() === wanted || node.id === slug(wanted),
  );
}

function speakAssembleProblems(state: DraftState, what: string): CreatorProblem {
  const assembled = assemble(state);
  const problems = assembled.ok ? [] : assembled.problems;
  return new CreatorProblem(`It cannot be ${what} yet: ${joinProblems(problems)}`);
}

function providerProblems(definition: AgentDefinition, keys: ProviderKeys): string[] {
  const label = definitionLabeler(definition as unknown as Record<string, unknown>);
  return checkProviders(definition, keys).map(
    (problem) =>
      `${label(problem.path.split('.'))} uses a service this deployment is not set up for (${problem.message})`,
  );
}

/** Every tool Voxie has, bound to one creation session. */
export function createCreatorTools(context: CreatorContext) {
  const { store } = context;
  const agents = new AgentRepository(context.database.db);

  const change = async (mutate: (state: DraftState) => void): Promise<DraftState> => {
    const state = store.state;
    mutate(state);
    await store.update(state);
    return state;
  };

  /** Writes the assembled definition to the agent row (creating it on first save). */
  const saveAgent = async (definition: AgentDefinition): Promise<string> => {
    const fields = {
      name: definition.name,
      description: definition.description,
      draft: definition,
    };
    const agentId = store.agentId;
    if (agentId && (await agents.updateDraft(store.ownerId, agentId, fields))) return agentId;
    const created = await agents.create({ ownerId: store.ownerId, ...fields });
    await store.linkAgent(created.id);
    return created.id;
  };

  const tools = [
    creatorTool('set_basics', SetBasicsArgs, context, async (args) => {
      await change((state) => {
        const d = state.definition;
        if (args.name) d.name = args.name;
        if (args.description) d.description = args.description;
        if (args.language) d.language = args.language;
        if (args.purpose) {
          state.notes.purpose = args.purpose;
          if (typeof d.description !== 'string' || !d.description) {
            d.description = args.purpose.slice(0, 1000);
          }
        }
        if (args.audience) state.notes.audience = args.audience;
        if (args.personality) state.notes.personality = args.personality;
        const workflow = workflowOf(state);
        const main = workflow?.nodes.find((node) => node.id === workflow.entry);
        if (main && args.name) main.name = args.name;
      });
      const recorded = Object.keys(args).filter((key) => args[key as keyof typeof args]);
      return `Noted the ${listWords(recorded)}. ${store.summary()}`;
    }),

    creatorTool('set_instructions', SetInstructionsArgs, context, async (args) => {
      await change((state) => {
        state.definition.instructions = args.instructions;
        const workflow = workflowOf(state);
        const main = workflow?.nodes.find((node) => node.id === workflow.entry);
        if (main) main.instructions = args.instructions;
      });
      return 'The instructions are written.';
    }),

    creatorTool('set_greeting', SetGreetingArgs, context, async (args) => {
      await change((state) => {
        state.definition.greeting =
          args.mode === 'say'
            ? { mode: 'say', text: args.text }
            : args.mode === 'generate'
              ? { mode: 'generate', instructions: args.text }
              : { mode: 'wait' };
      });
      return args.mode === 'say'
        ? `The agent will open with: "${args.text}".`
        : args.mode === 'generate'
          ? 'The agent will improvise its greeting along those lines.'
          : 'The agent will wait for the caller to speak first.';
    }),

    creatorTool('list_voices', ListVoicesArgs, context, async (args) => {
      const voices = args.language
        ? voicesForLanguage(context.voices, args.language)
        : context.voices;
      if (voices.length === 0) {
        throw new CreatorProblem(
          args.language
            ? `No voice here suits the language ${args.language}.`
            : 'No voices are available on this deployment; an operator must add a voice provider.',
        );
      }
      return `Voices: ${voices.map((v) => `${v.label} (id ${v.id}), ${v.description}`).join('; ')}.`;
    }),

    creatorTool('choose_voice', ChooseVoiceArgs, context, async (args) => {
      const wanted = args.voice_id.toLowerCase();
      const voice = context.voices.find(
        (option) => option.id === wanted || option.label.toLowerCase() === wanted,
      );
      if (!voice) {
        throw new CreatorProblem(
          context.voices.length === 0
            ? 'No voices are available on this deployment; an operator must add a voice provider.'
            : `There is no voice called ${args.voice_id} here. The voices I can offer are ${listWords(context.voices.map((v) => v.label))}.`,
        );
      }
      await change((state) => {
        state.definition.tts = voice.tts;
        state.voiceId = voice.id;
      });
      return `The agent will speak with the ${voice.label} voice: ${voice.description}.`;
    }),

    creatorTool('add_http_tool', AddHttpToolArgs, context, async (args) => {
      const candidate = {
        type: 'http',
        name: args.name,
        description: args.description,
        method: args.method,
        url: args.url,
        parameters: {
          type: 'object',
          properties: Object.fromEntries(
            args.inputs.map((input) => [
              input.name,
              { type: input.type, description: input.description },
            ]),
          ),
          required: args.inputs.filter((input) => input.required).map((input) => input.name),
        },
        headers: args.secret_header
          ? {
              [args.secret_header.header]: {
                secret: args.secret_header.secret,
                prefix: args.secret_header.prefix ?? '',
              },
            }
          : {},
      };
      const parsed = HttpToolDefinition.safeParse(candidate, { reportInput: true });
      if (!parsed.success) {
        const label: PathLabeler = (path) => {
          const [first] = path;
          if (first === 'url') return 'the web address';
          if (first === 'headers') return 'the header';
          if (first === 'parameters') return 'the details';
          return argumentLabeler(ARGUMENT_LABELS)(path);
        };
        const problems = speakIssues(parsed.error.issues, label);
        throw new CreatorProblem(
          `The action ${args.name} was not added: ${joinProblems(problems)}`,
        );
      }
      let replaced = false;
      await change((state) => {
        const tools = (state.definition.tools as Array<{ name?: string }> | undefined) ?? [];
        replaced = tools.some((tool) => tool.name === args.name);
        state.definition.tools = [...tools.filter((tool) => tool.name !== args.name), parsed.data];
        const workflow = workflowOf(state);
        const main = workflow?.nodes.find((node) => node.id === workflow.entry);
        if (main && !main.tools?.includes(args.name))
          main.tools = [...(main.tools ?? []), args.name];
      });
      return `${replaced ? 'Updated' : 'Added'} the action ${args.name}: ${args.method} ${new URL(args.url.replace(/\{[^}]*\}/g, 'x')).host}${args.secret_header ? `, using the stored secret ${args.secret_header.secret}` : ''}.`;
    }),

    creatorTool('remove_tool', RemoveToolArgs, context, async (args) => {
      const names = toolNames(store.state);
      if (!names.includes(args.name)) {
        throw new CreatorProblem(
          names.length === 0
            ? 'The agent has no actions yet.'
            : `There is no action called ${args.name}. The actions are ${listWords(names)}.`,
        );
      }
      await change((state) => {
        const tools = (state.definition.tools as Array<{ name?: string }> | undefined) ?? [];
        state.definition.tools = tools.filter((tool) => tool.name !== args.name);
        for (const node of workflowOf(state)?.nodes ?? []) {
          node.tools = (node.tools ?? []).filter((tool) => tool !== args.name);
        }
      });
      return `Removed the action ${args.name}.`;
    }),

    creatorTool('allow_hang_up', AllowHangUpArgs, context, async (args) => {
      await change((state) => {
        const tools = (state.definition.tools as Array<{ type?: string; name?: string }>) ?? [];
        const others = tools.filter((tool) => tool.type !== 'end_call');
        state.definition.tools = args.enabled
          ? [...others, { type: 'end_call', name: 'end_call' }]
          : others;
        const workflow = workflowOf(state);
        for (const node of workflow?.nodes ?? []) {
          const without = (node.tools ?? []).filter((tool) => tool !== 'end_call');
          node.tools = args.enabled ? [...without, 'end_call'] : without;
        }
      });
      return args.enabled
        ? 'The agent can now end the call when the caller is done.'
        : 'The agent will no longer end calls itself.';
    }),

    creatorTool('add_specialist', AddSpecialistArgs, context, async (args) => {
      const id = slug(args.name);
      if (id === MAIN_NODE_ID) {
        throw new CreatorProblem(
          '"Main" is the main agent’s name here; give the specialist another name.',
        );
      }
      let updated = false;
      await change((state) => {
        const workflow = ensureWorkflow(state);
        const node = { id, name: args.name, instructions: args.instructions, tools: [] };
        updated = workflow.nodes.some((existing) => existing.id === id);
        workflow.nodes = [...workflow.nodes.filter((existing) => existing.id !== id), node];
        workflow.edges = workflow.edges.filter(
          (edge) =>
            !(edge.from === workflow.entry && edge.to === id) &&
            !(edge.from === id && edge.type === 'return'),
        );
        workflow.edges.push(
          {
            type: 'transfer',
            from: workflow.entry,
            to: id,
            tool: `transfer_to_${id}`,
            description: args.when_to_transfer,
          },
          {
            type: 'return',
            from: id,
            tool: 'hand_back',
            description:
              'Hand the caller back to the main agent when their request is outside your specialty or you are done.',
          },
        );
      });
      return `${updated ? 'Updated' : 'Added'} the specialist ${args.name}. The main agent hands callers over ${args.when_to_transfer.replace(/^when\s+/i, 'when ')}, and ${args.name} can hand them back.`;
    }),

    creatorTool('add_handoff', AddHandoffArgs, context, async (args) => {
      const state = store.state;
      const from = findNode(state, args.from);
      const to = findNode(state, args.to);
      const workflow = workflowOf(state);
      const names = workflow
        ? workflow.nodes.map((node) =>
            node.id === workflow.entry ? 'main' : (node.name ?? node.id),
          )
        : ['main'];
      const unknown = [!from && args.from, !to && args.to].filter(Boolean) as string[];
      if (!workflow || unknown.length > 0 || !from || !to) {
        throw new CreatorProblem(
          !workflow
            ? 'There are no specialists yet; add a specialist first.'
            : `I don't know ${listWords(unknown.map((n) => `"${n}"`))}. The agents in this setup are ${listWords(names)}.`,
        );
      }
      if (from.id === to.id)
        throw new CreatorProblem('An agent cannot hand a caller over to itself.');
      await change((next) => {
        const wf = workflowOf(next);
        if (!wf) return;
        wf.edges = wf.edges.filter(
          (edge) => !(edge.type === 'transfer' && edge.from === from.id && edge.to === to.id),
        );
        wf.edges.push({
          type: 'transfer',
          from: from.id,
          to: to.id,
          tool: `transfer_to_${to.id}`,
          description: args.when,
        });
      });
      return `Done: ${args.from} hands callers to ${args.to} ${args.when.replace(/^when\s+/i, 'when ')}.`;
    }),

    creatorTool('review_draft', NoArgs, context, async () => {
      const state = store.state;
      const summary = summarizeDraft(state, context.voices);
      const assembled = assemble(state);
      if (assembled.ok) return `${summary} It is ready to be saved.`;
      return `${summary} Before saving: ${joinProblems(assembled.problems)}`;
    }),

    creatorTool('save_draft', NoArgs, context, async () => {
      const state = store.state;
      const assembled = assemble(state);
      if (!assembled.ok) throw speakAssembleProblems(state, 'saved');
      await saveAgent(assembled.definition);
      return `Saved ${assembled.definition.name} as a draft in your account. It is not live yet; publish it when you are ready.`;
    }),

    creatorTool('publish_agent', NoArgs, context, async () => {
      const state = store.state;
      const assembled = assemble(state);
      if (!assembled.ok) throw speakAssembleProblems(state, 'published');
      const problems = providerProblems(assembled.definition, context.keys);
      if (problems.length > 0) {
        throw new CreatorProblem(`It cannot be published yet: ${joinProblems(problems)}`);
      }
      const agentId = await saveAgent(assembled.definition);
      const version = await agents.publish(store.ownerId, agentId, assembled.definition);
      if (!version) throw new Error('publish found no agent right after saving it');
      await notifyAgentChanged(context.database, agentId);
      await store.markPublished();
      context.logger.info(
        { event: 'voxie.published', agentId, version: version.version },
        'agent published',
      );
      return `Published ${assembled.definition.name}, version ${version.version}. It can take calls right now.`;
    }),

    creatorTool('list_my_agents', NoArgs, context, async () => {
      const page = await agents.list(store.ownerId, { limit: 20, status: 'active' });
      if (page.items.length === 0) return 'You have no agents yet.';
      const described = page.items.map(
        (agent) =>
          `${agent.name} (${agent.publishedVersion ? `published, version ${agent.publishedVersion}` : 'not published yet'})`,
      );
      return `Your agents: ${described.join('; ')}.`;
    }),

    creatorTool('load_agent', LoadAgentArgs, context, async (args) => {
      const opened = await store.openAgent(args.name_or_id);
      if (!opened) {
        throw new CreatorProblem(
          `I couldn't find an agent called ${args.name_or_id} among your agents.`,
        );
      }
      return `Opened ${opened.name} for changes. ${store.summary()}`;
    }),

    creatorTool('start_over', NoArgs, context, async () => {
      await store.startOver();
      return 'Started a new agent from scratch; the previous draft was discarded.';
    }),
  ];
  return tools;
}
