import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExpertError } from '../errors.js';
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledgeBase } from './load-knowledge-base.js';
import { Domain, EntryCategory, KnowledgeEntry } from './schema.js';

const kb = loadKnowledgeBase();

/** Concatenated source text of an installed package (its src/ when shipped, else dist/). */
function packageText(root: string): string {
  const dirs = ['src', 'dist', 'lib'].map((d) => join(root, d)).filter((d) => statSafe(d));
  const parts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(?:ts|js|mjs|cjs)$/.test(entry.name) && !entry.name.endsWith('.map'))
        parts.push(readFileSync(path, 'utf8'));
    }
  };
  for (const dir of dirs) walk(dir);
  return parts.join('\n');
}

function statSafe(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function packageRoot(specifier: string, from: string = import.meta.url): string {
  const require = createRequire(from);
  let dir = dirname(require.resolve(specifier));
  while (!statSafe(join(dir, 'node_modules')) || !readdirSync(dir).includes('package.json')) {
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
    if (
      readdirSync(dir).includes('package.json') &&
      JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === specifier
    )
      break;
  }
  return dir;
}

describe('packaged knowledge base', () => {
  it('has at least 60 schema-valid entries covering every domain and category', () => {
    expect(kb.entries.length).toBeGreaterThanOrEqual(60);
    for (const entry of kb.entries) expect(KnowledgeEntry.safeParse(entry).success).toBe(true);
    for (const domain of Domain.options)
      expect(kb.byDomain(domain).length, domain).toBeGreaterThanOrEqual(3);
    for (const category of EntryCategory.options) {
      expect(
        kb.entries.filter((e) => e.category === category).length,
        category,
      ).toBeGreaterThanOrEqual(4);
    }
    expect(kb.entries.filter((e) => e.category === 'error-pattern').length).toBeGreaterThanOrEqual(
      40,
    );
  });

  it('gives every entry a step-by-step solution, Node code in most entries, docs and versions', () => {
    const withTsCode = kb.entries.filter((e) => e.solution.some((s) => s.code?.language === 'ts'));
    expect(withTsCode.length / kb.entries.length).toBeGreaterThan(0.6);
    for (const entry of kb.entries) {
      expect(entry.docs.length).toBeGreaterThan(0);
      expect(Object.keys(entry.checkedAgainst).length).toBeGreaterThan(0);
    }
  });

  it('quotes agents, rtc-node and server SDK messages exactly as the installed packages emit them', () => {
    const agentsRoot = packageRoot('@livekit/agents');
    const sdkRoot = packageRoot('livekit-server-sdk');
    const haystacks = {
      agents:
        packageText(agentsRoot) + packageText(packageRoot('ws', join(agentsRoot, 'package.json'))),
      'rtc-node': packageText(packageRoot('@livekit/rtc-node')),
      'server-sdk':
        packageText(sdkRoot) + packageText(packageRoot('jose', join(sdkRoot, 'package.json'))),
    } as const;
    const checked: string[] = [];
    for (const entry of kb.entries) {
      for (const signature of entry.signatures) {
        if (signature.regex || !(signature.source in haystacks)) continue;
        // Class names and bare protocol words are not log messages; only check sentences.
        if (!signature.text.includes(' ')) continue;
        const haystack = haystacks[signature.source as keyof typeof haystacks];
        expect(
          haystack.includes(signature.text),
          `${entry.id}: "${signature.text}" not found in ${signature.source}`,
        ).toBe(true);
        checked.push(signature.text);
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(30);
  });

  it('only imports names that the installed SDKs export in its Node code samples', async () => {
    const modules = ['livekit-server-sdk', '@livekit/agents', '@livekit/rtc-node'] as const;
    const exportsOf = new Map<string, Set<string>>();
    for (const name of modules) exportsOf.set(name, new Set(Object.keys(await import(name))));
    const IMPORT = /import\s*\{([^}]+)\}\s*from\s*'([^']+)'/g;
    let checked = 0;
    for (const entry of kb.entries) {
      for (const step of entry.solution) {
        if (step.code?.language !== 'ts') continue;
        for (const match of step.code.source.matchAll(IMPORT)) {
          const names = exportsOf.get(match[2] ?? '');
          if (!names) continue;
          for (const raw of (match[1] ?? '').split(',')) {
            const name = raw
              .replace(/^\s*type\s+/, '')
              .trim()
              .split(/\s+as\s+/)[0];
            if (!name) continue;
            expect(names.has(name), `${entry.id}: ${match[2]} has no export ${name}`).toBe(true);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it('looks entries up by id and domain', () => {
    expect(kb.byId('webhook-sha256-mismatch')?.domain).toBe('webhook');
    expect(
      kb.byDomain('sip').every((e) => e.domain === 'sip' || e.relatedDomains.includes('sip')),
    ).toBe(true);
  });
});

describe('loadKnowledgeBase validation', () => {
  const valid = JSON.parse(
    readFileSync(join(DEFAULT_KNOWLEDGE_DIR, 'room-not-found.json'), 'utf8'),
  ) as Record<string, unknown>;

  function dirWith(files: Record<string, unknown>): string {
    const dir = mkdtempSync(join(tmpdir(), 'lk-kb-'));
    for (const [name, content] of Object.entries(files))
      writeFileSync(join(dir, name), JSON.stringify(content));
    return dir;
  }

  it('rejects an error pattern without signatures, naming the file', () => {
    const dir = dirWith({ 'room-not-found.json': { ...valid, signatures: [] } });
    expect(() => loadKnowledgeBase(dir)).toThrow(/room-not-found\.json: .*signature/);
  });

  it('rejects unknown domains, bad doc links and invalid regex signatures', () => {
    expect(() =>
      loadKnowledgeBase(dirWith({ 'room-not-found.json': { ...valid, domain: 'video' } })),
    ).toThrow(ExpertError);
    expect(() =>
      loadKnowledgeBase(
        dirWith({ 'room-not-found.json': { ...valid, docs: ['https://example.com/x'] } }),
      ),
    ).toThrow(/docs/);
    const badRegex = {
      ...valid,
      signatures: [{ source: 'livekit-server', text: 'unclosed (group', regex: true }],
    };
    expect(() => loadKnowledgeBase(dirWith({ 'room-not-found.json': badRegex }))).toThrow(
      /invalid regex/,
    );
  });

  it('requires the file name to match the id', () => {
    expect(() => loadKnowledgeBase(dirWith({ 'other-name.json': valid }))).toThrow(
      /must match the file name/,
    );
  });
});
