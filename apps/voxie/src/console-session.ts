import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { initializeLogger, type llm, voice } from '@livekit/agents';
import { checkProviders, describeProviderProblems, ProviderRegistry } from '@voxie/agent-core';
import { createLogger, type EnvSource } from '@voxie/config';
import { createDatabase, migrateDatabase } from '@voxie/db';
import { z } from 'zod';
import { prepareCreator } from './creator-session.js';
import {
  creationDefaultsFrom,
  loadVoxieConsoleEnv,
  providerKeysFrom,
  voiceCatalogFrom,
} from './env.js';

export const CONSOLE_USAGE = `usage: pnpm --filter @voxie/voxie console --owner <uuid> [options]

Talk to Voxie in the terminal (text only, no LiveKit needed). Agents are saved for --owner.

options:
  --owner <uuid>        the owner Voxie creates and edits agents for (required)
  --edit <agent id>     open one of that owner's agents for changes
  --model <name>        Voxie's LLM (default VOXIE_LLM_MODEL)
  --base-url <url>      OpenAI-compatible server (Ollama, vLLM, Groq...) for the LLM
  --api-key <key>       API key for that server (default: OPENAI_API_KEY)
  -h, --help            this help

Type a message and press Enter; /quit (or Ctrl-D) ends the conversation. The draft is kept:
run the console again for the same owner to continue.`;

export interface ConsoleIO {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  error?: NodeJS.WritableStream;
}

const Uuid = z.uuid();

function parseConsoleArgs(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      owner: { type: 'string' },
      edit: { type: 'string' },
      model: { type: 'string' },
      'base-url': { type: 'string' },
      'api-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
  for (const [flag, value] of [
    ['--owner', values.owner],
    ['--edit', values.edit],
  ] as const) {
    if (value !== undefined && !Uuid.safeParse(value).success) {
      throw new Error(`${flag} must be a UUID`);
    }
  }
  return values;
}

/**
 * `pnpm --filter @voxie/voxie console`: a text conversation with Voxie, with the same draft
 * store and tools as the worker. Returns the exit code.
 */
export async function runConsole(options: {
  argv: readonly string[];
  env: EnvSource;
  io: ConsoleIO;
}): Promise<number> {
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
  if (args.help || !args.owner) {
    write(CONSOLE_USAGE);
    return args.help ? 0 : 2;
  }
  let env: ReturnType<typeof loadVoxieConsoleEnv>;
  try {
    env = loadVoxieConsoleEnv(options.env);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const keys = {
    ...providerKeysFrom(env),
    ...(args['base-url'] ? { openaiBaseURL: args['base-url'] } : {}),
    ...(args['api-key'] ? { openaiApiKey: args['api-key'] } : {}),
  };
  const llmSettings = {
    provider: 'openai' as const,
    model: args.model ?? env.VOXIE_LLM_MODEL,
  };
  const problems = checkProviders(
    {
      llm: llmSettings,
      stt: { provider: 'openai', model: 'any' },
      tts: { provider: 'openai', voice: 'any' },
    },
    keys,
    'text',
  );
  if (problems.length > 0) {
    return fail(
      `Voxie cannot talk here: ${describeProviderProblems(problems)}. Set the key, or pass --base-url/--api-key.`,
    );
  }

  initializeLogger({ pretty: false, level: 'silent' });
  const database = await createDatabase({
    url: env.DATABASE_URL,
    dataDir: env.DATABASE_URL ? undefined : `${env.VOXIE_DATA_DIR}/pglite`,
    poolMax: 2,
  });
  let session: voice.AgentSession | undefined;
  try {
    // The embedded database may be brand new; Postgres is migrated by the control API.
    if (database.kind === 'pglite') await migrateDatabase(database);
    const creator = await prepareCreator({
      database,
      ownerId: args.owner,
      editAgentId: args.edit,
      keys,
      catalog: voiceCatalogFrom(env),
      defaults: creationDefaultsFrom(env),
      logger: createLogger({ name: 'voxie-console', level: 'silent' }),
    });
    const model: llm.LLM = new ProviderRegistry(keys).createLlm(llmSettings);
    session = new voice.AgentSession({
      llm: model,
      vad: null,
      turnHandling: { turnDetection: null },
      userAwayTimeout: null,
    });
    const printed = new Set<string>();
    session.on(voice.AgentSessionEventTypes.ConversationItemAdded, (event) => {
      const item = event.item;
      if (item.type === 'message' && item.role === 'assistant' && !printed.has(item.id)) {
        printed.add(item.id);
        write(`voxie> ${item.textContent ?? ''}`);
      }
    });
    session.on(voice.AgentSessionEventTypes.FunctionToolsExecuted, (event) => {
      for (const output of event.functionCallOutputs) {
        if (output?.isError) write(`  (${output.name}: ${output.output})`);
        else if (output) write(`  (${output.name} done)`);
      }
    });
    await session.start({ agent: creator.agent });
    await creator.greet(session).waitForPlayout();

    const lines = createInterface({ input: io.input, terminal: false });
    for await (const raw of lines) {
      const line = raw.trim();
      if (line === '') continue;
      if (line === '/quit') break;
      await session.run({ userInput: line }).wait();
    }
    write(`(draft ${creator.store.draftId} is saved; run the console again to continue)`);
    return 0;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  } finally {
    await session?.close();
    await database.close();
  }
}
