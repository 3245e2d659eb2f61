import { z } from 'zod';

/** The LiveKit functional domains the knowledge base, the router and diagnosis share. */
export const Domain = z.enum([
  'auth',
  'room',
  'track',
  'recording',
  'egress',
  'webhook',
  'agents',
  'sip',
  'deployment',
]);
export type Domain = z.infer<typeof Domain>;

/** Which part of the seed's expert prompt an entry belongs to. */
export const EntryCategory = z.enum([
  'error-pattern',
  'troubleshooting',
  'performance',
  'production',
  'integration',
]);
export type EntryCategory = z.infer<typeof EntryCategory>;

/** Where a log message or error string is emitted. */
export const SignatureSource = z.enum([
  'livekit-server',
  'server-sdk',
  'agents',
  'rtc-node',
  'client-sdk',
  'egress',
  'sip',
  'http',
]);
export type SignatureSource = z.infer<typeof SignatureSource>;

/** Code may be written as one string or as an array of lines (easier to keep readable in JSON). */
const CodeText = z
  .union([z.string().min(1), z.array(z.string()).min(1)])
  .transform((value) => (Array.isArray(value) ? value.join('\n') : value));

/**
 * An error message as it really appears in a log. `text` is matched as a case-insensitive
 * substring, or as a regular expression when `regex` is true (then it must compile).
 */
export const ErrorSignature = z
  .object({
    source: SignatureSource,
    text: z.string().min(4),
    regex: z.boolean().default(false),
    /** Where the string comes from (file in the SDK or server source), for reviewers. */
    origin: z.string().min(3).optional(),
  })
  .superRefine((signature, ctx) => {
    if (!signature.regex) return;
    try {
      new RegExp(signature.text, 'i');
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `invalid regex: ${String(error)}` });
    }
  });
export type ErrorSignature = z.infer<typeof ErrorSignature>;

export const CodeSample = z.object({
  language: z.enum(['ts', 'python', 'yaml', 'bash', 'json', 'go']),
  source: CodeText,
});
export type CodeSample = z.infer<typeof CodeSample>;

export const SolutionStep = z.object({
  step: z.string().min(10),
  code: CodeSample.optional(),
});
export type SolutionStep = z.infer<typeof SolutionStep>;

const DocLink = z
  .string()
  .url()
  .refine(
    (url) =>
      url.startsWith('https://docs.livekit.io/') || url.startsWith('https://github.com/livekit/'),
    'doc links point at docs.livekit.io or github.com/livekit',
  );

/** Versions an entry was checked against, e.g. `{ "livekit-server-sdk": "2.19.2" }`. */
export const CheckedAgainst = z.record(z.string().min(2), z.string().regex(/^v?\d+\.\d+(\.\d+)?$/));

/** One knowledge-base entry: a problem (or practice), how to recognise it and how to fix it. */
export const KnowledgeEntry = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'kebab-case id'),
    title: z.string().min(10).max(120),
    domain: Domain,
    relatedDomains: z.array(Domain).default([]),
    category: EntryCategory,
    symptoms: z.array(z.string().min(8)).min(1),
    signatures: z.array(ErrorSignature).default([]),
    causes: z.array(z.string().min(8)).min(1),
    solution: z.array(SolutionStep).min(1),
    docs: z.array(DocLink).min(1),
    checkedAgainst: CheckedAgainst.refine((value) => Object.keys(value).length > 0, {
      message: 'at least one version',
    }),
  })
  .superRefine((entry, ctx) => {
    if (entry.category === 'error-pattern' && entry.signatures.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'error-pattern entries need at least one signature',
      });
    }
    if (entry.relatedDomains.includes(entry.domain)) {
      ctx.addIssue({ code: 'custom', message: 'relatedDomains repeats the primary domain' });
    }
  });
export type KnowledgeEntry = z.infer<typeof KnowledgeEntry>;
export type KnowledgeEntryInput = z.input<typeof KnowledgeEntry>;
