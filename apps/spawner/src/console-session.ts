import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { initializeLogger, type llm, voice } from '@livekit/agents';
import {
  type AgentDefinition,
  checkProviders,
  createAgentLoader,
  describeProviderProblems,
  ProviderRegistry,
} from '@voxie/agent-core';
import { createLogger, type EnvSource } from '@voxie/config';
import {
  createDatabase,
  type Database,
  migrateDatabase,
  SessionRecordingRepository,
} from '@voxie/db';
import { loadConsoleEnv, providerKeysFrom, secretResolverFrom } from './env.js';
import { startAgentSession } from './session-runner.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const CONSOLE_USAGE = `usage: pnpm console <agent id or name> [options]

Chat with a stored agent's published version in the terminal (text only, no LiveKit needed).

options:
  --model <name>        use this LLM model instead of the definition's
  --base-url <url>      OpenAI-compatible server (Ollama, vLLM, Groq...) for the LLM
  --api-key <key>       API key for that server (default: OPENAI_API_KEY)
  --temperature <n>     sampling temperature
  -h, --help            this help

Type a message and press Enter; /quit (or Ctrl-D) ends the conversation.`;

export interface ConsoleIO {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Where errors go (default: output). */
  error?: NodeJS.WritableStream;
}

export interface ConsoleOptions {
  argv: readonly string[];
  env: EnvSource;
  io: ConsoleIO;
  /** Use this LLM (tests); flags and the definition are ignored for the model then. */
  llm?: llm.LLM;
}

/**
 * Runs `pnpm console`: finds the agent by id or name, builds it with the same factory the worker
 * uses (text mode), records the conversation like any session, and chats over stdin/stdout.
 * Returns the process exit code.
 */
export async function runConsole(options: ConsoleOptions): Promise<number> {
  const { io } = options;
  const write = (line: string) => io.output.write(`${line}\n`);
  const fail = (message: string) => {
    (io.error ?? io.output).write(`error: ${message}\n`);
    return 1;
  };

  let args: ReturnType<typeof parseConsoleArgs>;
  try {
    args = parseConsoleArgs(options.argv);
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}\n\n${CONSOLE_USAGE}`);
  }
  if (args.help || !args.agent) {
    write(CONSOLE_USAGE);
    return args.help ? 0 : 2;
  }

  let env: ReturnType<typeof loadConsoleEnv>;
  try {
    env = loadConsoleEnv(options.env);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  initializeLogger({ pretty: false, level: 'silent' });
  const database = await createDatabase({
    url: env.DATABASE_URL,
    dataDir: env.DATABASE_URL ? undefined : `${env.VOXIE_DATA_DIR}/pglite`,
    poolMax: 2,
  });
  try {
    // The embedded database may be brand new; Postgres is migrated by the control API.
    if (database.kind === 'pglite') await migrateDatabase(database);
    return await chat({ ...args, agent: args.agent }, env, options, database, write, fail);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  } finally {
    await database.close();
  }
}

async function chat(
  args: NonNullable<ReturnType<typeof parseConsoleArgs>> & { agent: string },
  env: ReturnType<typeof loadConsoleEnv>,
  options: ConsoleOptions,
  database: Database,
  write: (line: string) => void,
  fail: (message: string) => number,
): Promise<number> {
  const { io } = options;
  const logger = createLogger({ name: 'spawner-console', level: 'silent' });
  let agentId = args.agent;
  if (!UUID.test(agentId)) {
    const matches = await new SessionRecordingRepository(database.db).findActiveAgentsByName(
      agentId,
    );
    if (matches.length === 0) return fail(`no active agent named "${args.agent}"`);
    if (matches.length > 1) {
      return fail(
        `several agents are named "${args.agent}"; pass an id:\n${matches
          .map((m) => `  ${m.id}  (owner ${m.ownerId})`)
          .join('\n')}`,
      );
    }
    agentId = matches[0]?.id ?? agentId;
  }

  const secrets = secretResolverFrom(options.env);
  // --base-url/--api-key configure this run's OpenAI endpoint, as OPENAI_BASE_URL would.
  const keys = {
    ...providerKeysFrom(env),
    ...(args.baseUrl ? { openaiBaseURL: args.baseUrl } : {}),
    ...(args.apiKey ? { openaiApiKey: args.apiKey } : {}),
    hasSecret: (name: string) => secrets(name) !== undefined,
  };
  const loaded = await createAgentLoader(database, keys, 'text')(agentId);
  if (!loaded)
    return fail(`agent ${agentId} does not exist, is archived or has no published version`);
  if (!loaded.definition) return fail(loaded.problems.join('; '));
  const definition: AgentDefinition = {
    ...loaded.definition,
    llm: {
      ...loaded.definition.llm,
      ...(args.model ? { model: args.model } : {}),
      ...(args.baseUrl
        ? { provider: 'openai' as const, baseURL: undefined, apiKeySecret: undefined }
        : {}),
      ...(args.temperature !== undefined ? { temperature: args.temperature } : {}),
    },
  };
  if (!options.llm) {
    const problems = checkProviders(definition, keys, 'text');
    if (problems.length > 0) {
      return fail(
        `cannot run "${loaded.name}" here: ${describeProviderProblems(problems)}. Set the key in the environment, or pass --base-url/--api-key.`,
      );
    }
  }

  write(
    `Talking to ${loaded.name} (v${loaded.version}, ${definition.llm.provider}/${definition.llm.model}). /quit to end.`,
  );
  const running = await startAgentSession({
    agent: { ...loaded, definition },
    database,
    registry: new ProviderRegistry(keys, { secrets }),
    secrets,
    logger,
    mode: 'text',
    roomName: `console-${randomBytes(6).toString('hex')}`,
    llm: options.llm,
  });
  running.session.on(voice.AgentSessionEventTypes.ConversationItemAdded, (event) => {
    const item = event.item;
    if (item.type === 'message' && item.role === 'assistant') {
      write(`${loaded.name}> ${item.textContent ?? ''}`);
    }
  });
  running.session.on(voice.AgentSessionEventTypes.FunctionToolsExecuted, (event) => {
    for (const [call, output] of voice.zipFunctionCallsAndOutputs(event)) {
      write(`  [tool ${call.name}${output?.isError ? ` failed: ${output.output}` : ''}]`);
    }
  });

  const lines = createInterface({ input: io.input, terminal: false });
  let ended = false;
  void running.ended.then(() => {
    ended = true;
    lines.close();
  });
  for await (const raw of lines) {
    const line = raw.trim();
    if (ended) break;
    if (line === '') continue;
    if (line === '/quit' || line === '/exit') break;
    try {
      await running.session.run({ userInput: line }).wait();
    } catch (error) {
      if (ended) break;
      write(`  [no reply: ${error instanceof Error ? error.message : String(error)}]`);
    }
  }
  await running.stop('console_closed');
  const reason = await running.ended;
  write(`[conversation ended: ${reason}; session ${running.sessionId}]`);
  return 0;
}

function parseConsoleArgs(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      'base-url': { type: 'string' },
      'api-key': { type: 'string' },
      temperature: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const temperature = values.temperature === undefined ? undefined : Number(values.temperature);
  if (temperature !== undefined && !(temperature >= 0 && temperature <= 2)) {
    throw new Error('--temperature must be a number from 0 to 2');
  }
  if (values['base-url'] !== undefined && !URL.canParse(values['base-url'])) {
    throw new Error('--base-url must be a URL');
  }
  return {
    agent: positionals.join(' ').trim() || undefined,
    model: values.model,
    baseUrl: values['base-url'],
    apiKey: values['api-key'],
    temperature,
    help: values.help ?? false,
  };
}
