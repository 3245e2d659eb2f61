import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../knowledge/load-knowledge-base.js';
import { organize } from './organize.js';
import { renderOrganizeMarkdown } from './render-markdown.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const logs = ['livekit-server.jsonl', 'agent-worker.jsonl', 'backend.log'].map(
  (f) => `${fixtures}logs/${f}`,
);
const configs = readdirSync(`${fixtures}config`).map((f) => `${fixtures}config/${f}`);
const kb = loadKnowledgeBase();

/** Every secret value planted in the fixture configs and code. */
const SECRETS = [
  'Redis-Pa55word-FixtureSecret',
  'fixture-secret-value-0123456789-abcdefghijkl',
  'another-fixture-secret-9876543210-zyxwvutsr',
  'WebhookQueryFixtureToken',
  'sk-fixtureOpenAIKey1234567890abcdef',
  'dg-fixture-deepgram-key-00112233',
  'Db-Fixture-Pass',
  'AKIAFIXTUREACCESSKEY',
  'S3-fixture-secret-key-ABCDEFGH',
  'Sip-Fixture-Password-42',
  'c2lwLXNpZ25hdHVyZQ',
  'hardcoded-fixture-secret-do-not-ship',
  // the JWTs in the server log (signature parts)
  'c2lnbmF0dXJlLW9uZQ',
  'c2lnbmF0dXJlLXR3bw',
];

const report = await organize({
  logs,
  code: [`${fixtures}code`],
  config: configs,
  knowledgeBase: kb,
  now: () => new Date('2024-05-21T00:00:00Z'),
});
const byKnown = (id: string) => report.errorGroups.filter((g) => g.known[0]?.id === id);

describe('organize on fixture logs', () => {
  it('reads every line of every format', () => {
    expect(report.logs.map((l) => l.lines)).toEqual([19, 17, 17]);
    expect(report.problemLines).toBeGreaterThan(30);
  });

  it('collapses variants of one error into one group', () => {
    const noWorker = report.errorGroups.filter((g) =>
      g.key.startsWith('no worker available to handle job'),
    );
    expect(noWorker).toHaveLength(1);
    // three server JSON lines + one zap console line, four different rooms and job ids
    expect(noWorker[0]?.count).toBe(4);
    expect(noWorker[0]?.formats.sort()).toEqual(['livekit-server', 'text']);
    expect(noWorker[0]?.rooms.length).toBeGreaterThanOrEqual(3);
    expect(noWorker[0]?.firstSeen).toBe('2024-05-20T10:05:00.000Z'); // the zap console line is the earliest
    expect(noWorker[0]?.lastSeen).toBe('2024-05-20T10:15:40.447Z');

    const retries = report.errorGroups.filter((g) =>
      g.key.startsWith('failed to connect to LiveKit server (<url>), retrying'),
    );
    expect(retries.map((g) => g.count)).toEqual([3]);
    expect(byKnown('auth-invalid-api-key').map((g) => g.count)).toEqual([2]);
    expect(byKnown('agents-assignment-timeout').map((g) => g.count)).toEqual([2]);
    expect(byKnown('webhook-sha256-mismatch').map((g) => g.count)).toEqual([2]);
    expect(byKnown('sip-outbound-call-failed').map((g) => g.count)).toEqual([2]);
    expect(byKnown('room-not-found').map((g) => g.count)).toEqual([2]);
    expect(byKnown('track-publish-permission-denied').map((g) => g.count)).toEqual([2]);
  });

  it('keeps distinct errors apart', () => {
    const tokenGroups = report.errorGroups.filter((g) => g.key.includes('invalid token'));
    expect(tokenGroups.map((g) => g.known[0]?.id).sort()).toEqual([
      'auth-token-expired',
      'auth-token-signature-invalid',
    ]);
    const webhookDelivery = report.errorGroups.filter((g) =>
      g.key.startsWith('failed to notify webhook'),
    );
    expect(webhookDelivery.map((g) => g.count).sort()).toEqual([1, 2]); // refused vs deadline exceeded
    const keys = report.errorGroups.map((g) => g.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(report.errorGroups.length).toBeGreaterThanOrEqual(20);
  });

  it('ignores info lines and stack frames', () => {
    const keys = report.errorGroups.map((g) => g.key).join('\n');
    expect(keys).not.toContain('participant active');
    expect(keys).not.toContain('WebhookReceiver.receive (');
    expect(keys).not.toContain('starting worker');
  });

  it('links groups to the knowledge base', () => {
    const known = report.errorGroups.filter((g) => g.known.length > 0);
    expect(known.length / report.errorGroups.length).toBeGreaterThan(0.9);
  });

  it('extracts code patterns from TS and Python with their enclosing functions', () => {
    const kinds = Object.fromEntries(report.code.patterns.map((p) => [p.kind, p]));
    expect(report.code.files).toBe(3);
    for (const kind of [
      'connection',
      'event-handler',
      'session-start',
      'dispatch',
      'token',
      'webhook',
      'egress',
      'track-subscribe',
    ]) {
      expect(kinds[kind]?.count, kind).toBeGreaterThan(0);
    }
    const token = kinds.token?.examples.find((e) => e.snippet.includes('new AccessToken'));
    expect(token?.function).toBe('createSessionToken');
    expect(token?.file).toBe('backend/livekit.ts');
    const python = kinds['event-handler']?.examples.find((e) => e.file.endsWith('.py'));
    expect(python?.snippet).toContain('@ctx.room.on("track_subscribed")');
  });

  it('collects config examples with findings', () => {
    const kinds = Object.fromEntries(report.config.map((c) => [c.file.split('/').pop(), c.kind]));
    expect(kinds).toEqual({
      'agent.env': 'agents-env',
      'egress.yaml': 'egress',
      'livekit.yaml': 'livekit-server',
      'sip.json': 'json',
    });
    const server = report.config.find((c) => c.kind === 'livekit-server');
    expect(server?.findings.map((f) => f.entryId).sort()).toEqual([
      'deploy-secrets-management',
      'deploy-turn-config',
      'deploy-udp-blocked',
    ]);
    expect(server?.redacted).toContain('APIfixture01: [redacted]');
    expect(server?.redacted).toContain('port_range_start: 50000');
    expect(
      report.config.find((c) => c.kind === 'agents-env')?.findings.map((f) => f.entryId),
    ).toEqual(['checklist-connection']);
  });

  it('never lets a secret from configs, code or logs into the markdown or the JSON report', () => {
    const markdown = renderOrganizeMarkdown(report, kb);
    const json = JSON.stringify(report);
    for (const secret of SECRETS) {
      expect(markdown, secret).not.toContain(secret);
      expect(json, secret).not.toContain(secret);
    }
    // and the fixtures really contain them (the test would be vacuous otherwise)
    const raw = [...configs, ...logs, `${fixtures}code/backend/livekit.ts`]
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const secret of SECRETS) expect(raw, secret).toContain(secret);
  });

  it('renders markdown in the seed format, ready to append', () => {
    const markdown = renderOrganizeMarkdown(report, kb);
    expect(markdown.startsWith('## LiveKit knowledge update (2024-05-21)')).toBe(true);
    expect(markdown).toContain(
      '### Issue: no worker available to handle job | no response from servers',
    );
    expect(markdown).toContain('**Symptoms**:');
    expect(markdown).toContain('**Solutions**:');
    expect(markdown).toContain('Known issue `agents-dispatch-not-arriving`');
    expect(markdown).toContain('### Code patterns');
    expect(markdown).toContain('### Configuration examples');
    expect((markdown.match(/```/g) ?? []).length % 2).toBe(0);
  });
});
