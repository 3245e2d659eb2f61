import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main, parseCliArgs } from './cli.js';

const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
let output: string[];

beforeEach(() => {
  output = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    output.push(args.join(' '));
  });
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    output.push(args.join(' '));
  });
});
afterEach(() => vi.restoreAllMocks());

describe('parseCliArgs', () => {
  it('collects several values per flag, comma lists and --flag=value; --json takes no value', () => {
    const { positionals, flags } = parseCliArgs([
      'a.log',
      '--logs',
      'x.log',
      'y.log',
      '--config=c1,c2',
      '--json',
      'rest',
    ]);
    expect(positionals).toEqual(['a.log', 'rest']);
    expect(flags.get('logs')).toEqual(['x.log', 'y.log']);
    expect(flags.get('config')).toEqual(['c1', 'c2']);
    expect(flags.has('json')).toBe(true);
  });
});

describe('livekit-expert CLI', () => {
  it('organize writes the markdown and JSON report', async () => {
    const out = mkdtempSync(join(tmpdir(), 'lk-org-'));
    const code = await main([
      'organize',
      '--logs',
      `${fixtures}logs/livekit-server.jsonl`,
      `${fixtures}logs/agent-worker.jsonl`,
      '--code',
      `${fixtures}code`,
      '--config',
      `${fixtures}config/livekit.yaml`,
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    const markdown = readFileSync(join(out, 'livekit-knowledge-update.md'), 'utf8');
    const report = JSON.parse(readFileSync(join(out, 'livekit-knowledge-report.json'), 'utf8')) as {
      errorGroups: unknown[];
    };
    expect(markdown).toContain('### Issue: no worker available to handle job');
    expect(report.errorGroups.length).toBeGreaterThan(5);
    expect(markdown).not.toContain('fixture-secret-value-0123456789-abcdefghijkl');
    expect(output.join('\n')).toMatch(/organized 36 log lines into \d+ error groups/);
  });

  it('organize without inputs is a usage error', async () => {
    expect(await main(['organize'])).toBe(2);
  });

  it('diagnose ranks the right entry first and prints its solution', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lk-diag-'));
    const file = join(dir, 'x.log');
    writeFileSync(
      file,
      '{"level":"info","msg":"ok"}\nError: sha256 checksum of body does not match\n',
    );
    expect(await main(['diagnose', file])).toBe(0);
    const text = output.join('\n');
    expect(text).toMatch(
      /^1\. Webhook rejected: body checksum does not match {2}\[webhook-sha256-mismatch/m,
    );
    expect(text).toContain('addContentTypeParser');
    output.length = 0;
    expect(await main(['diagnose', file, '--json'])).toBe(0);
    expect(
      (JSON.parse(output.join('\n')) as Array<{ id: string; lines: number[] }>)[0],
    ).toMatchObject({ id: 'webhook-sha256-mismatch', lines: [2] });
  });

  it('diagnose exits 1 when nothing matches; route and prompt print', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lk-diag-'));
    writeFileSync(join(dir, 'ok.log'), 'all good\n');
    expect(await main(['diagnose', join(dir, 'ok.log')])).toBe(1);
    output.length = 0;
    expect(await main(['route', 'How', 'do', 'I', 'verify', 'webhooks?'])).toBe(0);
    expect(output[0]).toMatch(/^webhook {2}confidence/);
    expect(output.join('\n')).toContain('[security-review]');
  });
});
