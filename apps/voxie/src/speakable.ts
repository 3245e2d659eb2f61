import type { z } from 'zod';

/**
 * Validation problems as Voxie can say them out loud: "the greeting text is missing", not
 * `greeting.text: Invalid input: expected string, received undefined`. Values are never
 * repeated back (a field may hold something secret); only what is wrong and where.
 */

/** Names a path (`['tools', 0, 'url']`) the way a person would, or undefined for "the value". */
export type PathLabeler = (path: readonly PropertyKey[]) => string | undefined;

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined || issue.input === null
        ? 'is missing'
        : `should be ${article(issue.expected)} but is something else`;
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1
          ? 'is empty'
          : `is too short (at least ${issue.minimum} characters)`;
      }
      if (issue.origin === 'array' || issue.origin === 'set') {
        return `needs at least ${issue.minimum} ${Number(issue.minimum) === 1 ? 'entry' : 'entries'}`;
      }
      return `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `is too long (at most ${issue.maximum} characters)`;
      if (issue.origin === 'array' || issue.origin === 'set') {
        return `has too many entries (at most ${issue.maximum})`;
      }
      return `must be at most ${issue.maximum}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map((value) => String(value)).join(', ')}`;
    case 'invalid_format':
      return issue.message.startsWith('Invalid') ? 'is not in the right format' : issue.message;
    case 'invalid_union':
      return 'is not in a form I understand';
    case 'unrecognized_keys':
      return `has details I do not know: ${issue.keys.join(', ')}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    default:
      return rephrase(issue.message);
  }
}

/** Messages our own schemas write for developers, rephrased for a listener. */
const REPHRASED: Array<[RegExp, string]> = [
  [
    /^placeholder \{(\w+)\} is not a declared parameter$/,
    'mentions {$1}, but none of the details the caller gives has that name',
  ],
  [/^duplicate tool name "(.+)"$/, 'is used twice; each action needs its own name'],
  [/^must be an http\(s\) URL$/, 'must start with https:// or http://'],
  [
    /^header (.+) carries a credential: .*$/,
    'would hold a password or key in plain text; give the name of a stored secret instead',
  ],
];

function rephrase(message: string): string {
  for (const [pattern, replacement] of REPHRASED) {
    if (pattern.test(message)) return message.replace(pattern, replacement);
  }
  return message;
}

function article(expected: string): string {
  const words: Record<string, string> = {
    string: 'text',
    number: 'a number',
    int: 'a whole number',
    boolean: 'yes or no',
    array: 'a list',
    object: 'a group of details',
  };
  return words[expected] ?? expected;
}

/** One sentence per problem, e.g. `the greeting text is missing`. */
export function speakIssues(issues: readonly z.core.$ZodIssue[], label: PathLabeler): string[] {
  const sentences: string[] = [];
  for (const issue of issues) {
    const where = label(issue.path) ?? 'the value';
    const sentence = `${where} ${describeIssue(issue)}`;
    if (!sentences.includes(sentence)) sentences.push(sentence);
  }
  return sentences;
}

/** Joins problems into one speakable paragraph. */
export function joinProblems(problems: readonly string[]): string {
  if (problems.length === 0) return '';
  const capitalized = problems.map((problem) => problem.charAt(0).toUpperCase() + problem.slice(1));
  return capitalized
    .map((sentence) => (/[.?!]$/.test(sentence) ? sentence : `${sentence}.`))
    .join(' ');
}

/** `snake_case` or `camelCase` key → words (`order_id` → `order id`). */
export function words(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .trim();
}

/** A labeler for tool arguments: `the <prefix><argument in words>`. */
export function argumentLabeler(names: Record<string, string> = {}): PathLabeler {
  return (path) => {
    const first = path[0];
    if (first === undefined) return 'the request';
    const key = String(first);
    const rest = path
      .slice(1)
      .filter((part) => typeof part === 'string')
      .map((part) => words(String(part)));
    const base = names[key] ?? `the ${words(key)}`;
    return rest.length > 0 ? `${base} ${rest.join(' ')}` : base;
  };
}
