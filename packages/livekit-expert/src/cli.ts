import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Diagnoser } from './diagnose/diagnoser.js';
import { getDefaultKnowledgeBase } from './knowledge/load-knowledge-base.js';
import { organize } from './organize/organize.js';
import { renderOrganizeMarkdown } from './organize/render-markdown.js';
import { buildExpertPrompt } from './prompt/expert-prompt.js';
import { routeRequest } from './router/router.js';

const USAGE = `livekit-expert <command>

  organize --logs <files...> --code <dirs...> --config <files...> [--out <dir>]
      Group log errors, extract code patterns, collect redacted config examples.
      Writes <out>/livekit-knowledge-update.md and <out>/livekit-knowledge-report.json.
  diagnose [<log file> | -] [--limit <n>] [--json]
      Rank knowledge entries for a log (stdin when no file or "-").
  route <request text...> [--json]
      Classify a request into LiveKit domains and print the QA gates.
  prompt [--budget <chars>]
      Print the expert system prompt generated from the knowledge base.
`;

const BOOLEAN_FLAGS = new Set(['json', 'help']);

/** `--flag a b --other c` → { flag: [a, b], other: [c] }; values may also be comma-separated. */
export function parseCliArgs(argv: readonly string[]): {
  positionals: string[];
  flags: Map<string, string[]>;
} {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const arg of argv) {
    if (arg.startsWith('--') && arg.length > 2) {
      const [name = '', inline] = arg.slice(2).split('=', 2);
      const values = flags.get(name) ?? [];
      flags.set(name, values);
      if (inline !== undefined) values.push(...inline.split(',').filter(Boolean));
      current = BOOLEAN_FLAGS.has(name) ? undefined : values;
    } else if (current) {
      current.push(...arg.split(',').filter(Boolean));
    } else {
      positionals.push(arg);
    }
  }
  return { positionals, flags };
}

async function* readLines(input: Readable): AsyncGenerator<string> {
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) yield line;
}

async function runDiagnose(positionals: string[], flags: Map<string, string[]>): Promise<number> {
  const source = positionals[0];
  const input = !source || source === '-' ? process.stdin : createReadStream(resolve(source));
  const diagnoser = new Diagnoser(getDefaultKnowledgeBase());
  const lines: string[] = [];
  // Diagnosis keeps only matches: collect lines lazily in batches to bound memory.
  const results = new Map<string, ReturnType<Diagnoser['diagnoseLines']>[number]>();
  let offset = 0;
  const flush = () => {
    for (const d of diagnoser.diagnoseLines(lines)) {
      const shifted = { ...d, lines: d.lines.map((n) => n + offset) };
      const prior = results.get(d.entry.id);
      if (!prior) results.set(d.entry.id, shifted);
      else {
        prior.occurrences += d.occurrences;
        prior.score = Math.max(prior.score, d.score);
        prior.lines = [...prior.lines, ...shifted.lines].slice(0, 5);
        for (const s of d.matchedSignatures)
          if (!prior.matchedSignatures.includes(s)) prior.matchedSignatures.push(s);
      }
    }
    offset += lines.length;
    lines.length = 0;
  };
  for await (const line of readLines(input)) {
    lines.push(line);
    if (lines.length >= 10_000) flush();
  }
  flush();
  const limit = Number(flags.get('limit')?.[0] ?? 5);
  const ranked = [...results.values()]
    .sort(
      (a, b) =>
        b.score - a.score || b.occurrences - a.occurrences || a.entry.id.localeCompare(b.entry.id),
    )
    .slice(0, limit);
  if (flags.has('json')) {
    console.log(
      JSON.stringify(
        ranked.map((d) => ({
          id: d.entry.id,
          title: d.entry.title,
          score: d.score,
          occurrences: d.occurrences,
          lines: d.lines,
          matchedSignatures: d.matchedSignatures,
          solution: d.entry.solution,
        })),
        null,
        2,
      ),
    );
    return ranked.length > 0 ? 0 : 1;
  }
  if (ranked.length === 0) {
    console.log(`No known LiveKit issue matched (${offset} lines read).`);
    return 1;
  }
  ranked.forEach((d, index) => {
    console.log(
      `${index + 1}. ${d.entry.title}  [${d.entry.id}, ${d.entry.domain}, score ${d.score}, ${d.occurrences}×, lines ${d.lines.join(',')}]`,
    );
    console.log(`   matched: ${d.matchedSignatures.map((s) => JSON.stringify(s)).join(', ')}`);
    console.log(`   example: ${d.example}`);
    if (index === 0) {
      console.log('   causes:');
      for (const cause of d.entry.causes) console.log(`   - ${cause}`);
      console.log('   solution:');
      d.entry.solution.forEach((step, n) => {
        console.log(`   ${n + 1}. ${step.step}`);
        if (step.code) console.log(step.code.source.replace(/^/gm, '        '));
      });
      console.log(`   docs: ${d.entry.docs.join(' ')}`);
    }
  });
  return 0;
}

async function runOrganize(flags: Map<string, string[]>): Promise<number> {
  const logs = (flags.get('logs') ?? []).map((f) => resolve(f));
  const code = (flags.get('code') ?? []).map((f) => resolve(f));
  const config = (flags.get('config') ?? []).map((f) => resolve(f));
  if (logs.length + code.length + config.length === 0) {
    console.error('organize needs at least one of --logs, --code, --config');
    return 2;
  }
  const kb = getDefaultKnowledgeBase();
  const report = await organize({ logs, code, config, knowledgeBase: kb });
  const outDir = resolve(flags.get('out')?.[0] ?? '.');
  await mkdir(outDir, { recursive: true });
  const markdownPath = join(outDir, 'livekit-knowledge-update.md');
  const jsonPath = join(outDir, 'livekit-knowledge-report.json');
  await writeFile(markdownPath, renderOrganizeMarkdown(report, kb));
  await writeFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  const lines = report.logs.reduce((sum, log) => sum + log.lines, 0);
  console.log(
    `organized ${lines} log lines into ${report.errorGroups.length} error groups, ` +
      `${report.code.patterns.reduce((s, p) => s + p.count, 0)} code patterns in ${report.code.files} files, ${report.config.length} config files`,
  );
  console.log(`wrote ${markdownPath}`);
  console.log(`wrote ${jsonPath}`);
  return 0;
}

function runRoute(positionals: string[], flags: Map<string, string[]>): number {
  const text = positionals.join(' ').trim();
  if (!text) {
    console.error('route needs the request text');
    return 2;
  }
  const decision = routeRequest(text);
  if (flags.has('json')) {
    console.log(JSON.stringify(decision, null, 2));
    return 0;
  }
  if (decision.domains.length === 0)
    console.log('No LiveKit domain recognised: route to livekit-coordinator.');
  for (const d of decision.domains)
    console.log(`${d.domain}  confidence ${d.confidence}  (${d.evidence.join(', ')})`);
  console.log(`specialists: ${decision.specialists.join(', ')}`);
  for (const gate of decision.gates) {
    console.log(`\n[${gate.gate}] ${gate.description}`);
    for (const item of gate.checklist) console.log(`  - [ ] ${item}`);
  }
  if (decision.relatedEntries.length) {
    console.log('\nrelated knowledge:');
    for (const e of decision.relatedEntries) console.log(`  - ${e.id}: ${e.title}`);
  }
  return 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { positionals, flags } = parseCliArgs(rest);
  switch (command) {
    case 'organize':
      return runOrganize(flags);
    case 'diagnose':
      return runDiagnose(positionals, flags);
    case 'route':
      return runRoute(positionals, flags);
    case 'prompt': {
      const budget = flags.get('budget')?.[0];
      process.stdout.write(
        buildExpertPrompt(getDefaultKnowledgeBase(), budget ? { budget: Number(budget) } : {}),
      );
      return 0;
    }
    default:
      console.error(USAGE);
      return command === undefined || command === '--help' || command === 'help' ? 0 : 2;
  }
}
