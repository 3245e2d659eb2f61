import { llm } from '@livekit/agents';
import { z } from 'zod';
import { argumentsInclude } from './agent-under-test.js';
import type { DeterministicCheck, JudgedCriterion, Scenario } from './schemas.js';
import type { SimulationItem, TextSimulationResult } from './text-simulation.js';

/** The outcome of one criterion or check. */
export interface Verdict {
  id: string;
  kind: 'judge' | 'check';
  required: boolean;
  passed: boolean;
  reason: string;
}

export interface Evaluation {
  /** Every required verdict passed (and the run did not end in an error). */
  passed: boolean;
  verdicts: Verdict[];
}

function parseArgs(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function checkId(check: DeterministicCheck): string {
  if (check.id) return check.id;
  switch (check.type) {
    case 'tool_called':
    case 'tool_not_called':
      return `${check.type}:${check.tool}`;
    case 'handoff':
      return `handoff:${check.to}`;
    case 'phrase_never_said':
      return `phrase_never_said:${check.phrase}`;
    case 'max_turns':
      return `max_turns:${check.turns}`;
  }
}

/** Runs one deterministic check against the agent side's transcript. */
export function runCheck(check: DeterministicCheck, result: TextSimulationResult): Verdict {
  const agentItems = result.transcripts.agent;
  const verdict = (passed: boolean, reason: string): Verdict => ({
    id: checkId(check),
    kind: 'check',
    required: check.required,
    passed,
    reason,
  });
  const calls = agentItems.filter(
    (item) => item.type === 'function_call' && 'name' in item.content,
  );
  switch (check.type) {
    case 'tool_called': {
      const named = calls.filter((item) => item.content.name === check.tool);
      const hit = named.find((item) =>
        argumentsInclude(check.arguments, parseArgs(item.content.arguments)),
      );
      if (hit) return verdict(true, `${check.tool} called with ${String(hit.content.arguments)}`);
      return verdict(
        false,
        named.length === 0
          ? `${check.tool} was never called`
          : `${check.tool} was called, but never with ${JSON.stringify(check.arguments)}`,
      );
    }
    case 'tool_not_called': {
      const count = calls.filter((item) => item.content.name === check.tool).length;
      return verdict(
        count === 0,
        count === 0 ? `${check.tool} not called` : `${check.tool} called ${count} time(s)`,
      );
    }
    case 'handoff': {
      const path = agentItems
        .filter((item) => item.type === 'agent_handoff')
        .map((item) => String(item.content.to));
      const ok = path.includes(check.to);
      return verdict(
        ok,
        ok ? `handed off to ${check.to}` : `agents: ${path.join(' -> ') || 'none'}`,
      );
    }
    case 'phrase_never_said': {
      const items: SimulationItem[] = result.transcripts[check.side].filter(
        (item) => item.type === 'message' && item.role === 'assistant',
      );
      const needle = check.phrase.toLowerCase();
      const said = items.find((item) =>
        String(item.content.text ?? '')
          .toLowerCase()
          .includes(needle),
      );
      return verdict(
        !said,
        said
          ? `said in turn ${said.turn}: "${String(said.content.text)}"`
          : `"${check.phrase}" never said`,
      );
    }
    case 'max_turns':
      return verdict(
        result.turns <= check.turns,
        `finished in ${result.turns} turn(s) (limit ${check.turns}), ${result.endReason}`,
      );
  }
}

/** What the judge must answer. */
export const JudgeAnswer = z.object({
  verdict: z.enum(['pass', 'fail']),
  reason: z.string().max(2000),
});
export type JudgeAnswer = z.infer<typeof JudgeAnswer>;

export const JUDGE_INSTRUCTIONS = [
  'You evaluate a recorded customer-support conversation between a CALLER and an AGENT against one success criterion.',
  'Judge only from the transcript. Answer with a single JSON object and nothing else:',
  '{"verdict": "pass" | "fail", "reason": "<one or two sentences citing the transcript>"}',
].join('\n');

/** The transcript as the judge reads it: messages, tool calls and handoffs, one per line. */
export function formatTranscriptForJudge(items: readonly SimulationItem[]): string {
  return items
    .map((item) => {
      switch (item.type) {
        case 'message':
          return `${item.role === 'user' ? 'CALLER' : 'AGENT'}: ${String(item.content.text ?? '')}`;
        case 'function_call':
          return `[agent called tool ${String(item.content.name)} with ${String(item.content.arguments)}]`;
        case 'function_call_output':
          return `[tool ${String(item.content.name)} answered ${String(item.content.output)}]`;
        case 'agent_handoff':
          return item.content.from
            ? `[handoff ${String(item.content.from)} -> ${String(item.content.to)}]`
            : '';
      }
      return '';
    })
    .filter(Boolean)
    .join('\n');
}

/** Reads the JSON object out of a judge's answer (tolerates code fences and prose around it). */
export function parseJudgeAnswer(text: string): JudgeAnswer | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const parsed = JudgeAnswer.safeParse(JSON.parse(text.slice(start, end + 1)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function complete(model: llm.LLM, chatCtx: llm.ChatContext): Promise<string> {
  const stream = model.chat({ chatCtx });
  let text = '';
  for await (const chunk of stream) text += chunk.delta?.content ?? '';
  return text;
}

/** Asks `judge` whether the conversation meets `criterion`. An unreadable answer fails it. */
export async function judgeCriterion(
  judge: llm.LLM,
  criterion: JudgedCriterion,
  scenario: Scenario,
  transcript: string,
): Promise<Verdict> {
  const chatCtx = llm.ChatContext.empty();
  chatCtx.addMessage({ role: 'system', content: JUDGE_INSTRUCTIONS });
  chatCtx.addMessage({
    role: 'user',
    content: [
      `Scenario: ${scenario.name}. ${scenario.description}`,
      `Criterion (${criterion.id}): ${criterion.description}`,
      'Transcript:',
      transcript,
    ].join('\n'),
  });
  const base = { id: criterion.id, kind: 'judge' as const, required: criterion.required };
  try {
    const answer = parseJudgeAnswer(await complete(judge, chatCtx));
    if (!answer) return { ...base, passed: false, reason: 'the judge gave no readable verdict' };
    return { ...base, passed: answer.verdict === 'pass', reason: answer.reason };
  } catch (error) {
    return {
      ...base,
      passed: false,
      reason: `the judge failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/**
 * Judges every success criterion (when a judge model is given; without one they fail as
 * unjudged) and runs every deterministic check. A run passes only if it did not end in an
 * error and every required verdict passed.
 */
export async function evaluateRun(
  scenario: Scenario,
  result: TextSimulationResult,
  judge: llm.LLM | undefined,
): Promise<Evaluation> {
  const transcript = formatTranscriptForJudge(result.transcripts.agent);
  const judged = await Promise.all(
    scenario.successCriteria.map((criterion) =>
      judge
        ? judgeCriterion(judge, criterion, scenario, transcript)
        : Promise.resolve<Verdict>({
            id: criterion.id,
            kind: 'judge',
            required: criterion.required,
            passed: false,
            reason: 'no judge model configured',
          }),
    ),
  );
  const verdicts = [...judged, ...scenario.checks.map((check) => runCheck(check, result))];
  if (result.endReason === 'error') {
    verdicts.push({
      id: 'completed',
      kind: 'check',
      required: true,
      passed: false,
      reason: `the conversation failed: ${result.endDetail ?? 'unknown error'}`,
    });
  }
  return { passed: verdicts.every((v) => v.passed || !v.required), verdicts };
}
