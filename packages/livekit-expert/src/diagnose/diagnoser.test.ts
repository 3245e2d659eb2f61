import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../knowledge/load-knowledge-base.js';
import { Diagnoser } from './diagnoser.js';

const cases = JSON.parse(
  readFileSync(new URL('../../test/fixtures/diagnose-cases.json', import.meta.url), 'utf8'),
) as Array<{ line: string; expected: string }>;
const kb = loadKnowledgeBase();
const diagnoser = new Diagnoser(kb);

describe('Diagnoser', () => {
  it('has fixture cases that name real entries across every domain', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const domains = new Set(cases.map((c) => kb.byId(c.expected)?.domain));
    expect(domains.has(undefined)).toBe(false);
    expect(domains.size).toBe(9);
  });

  it.each(cases)('ranks $expected first for its log line', ({ line, expected }) => {
    const [best] = diagnoser.diagnoseLines([line]);
    expect(best?.entry.id).toBe(expected);
  });

  it('aggregates a mixed log: occurrences, line numbers, masked examples', () => {
    const log = [
      '{"level":"info","ts":1,"msg":"participant active"}',
      'Error: sha256 checksum of body does not match',
      'webhook failed: Error: sha256 checksum of body does not match (Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl)',
      'ConnectionError: could not establish pc connection',
    ];
    const results = diagnoser.diagnoseLines(log);
    const webhook = results.find((r) => r.entry.id === 'webhook-sha256-mismatch');
    expect(webhook?.occurrences).toBe(2);
    expect(webhook?.lines).toEqual([2, 3]);
    expect(results.find((r) => r.entry.id === 'deploy-udp-blocked')?.lines).toEqual([4]);
    for (const result of results) expect(result.example).not.toContain('eyJhbGciOiJIUzI1NiJ9');
  });

  it('finds nothing in a healthy log', () => {
    expect(
      diagnoser.diagnoseLines(['{"level":"info","ts":1,"msg":"participant active"}', 'all good']),
    ).toEqual([]);
  });
});
