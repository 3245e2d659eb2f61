import { describe, expect, it } from 'vitest';
import { DiagnoseRequest, DiagnoseResult, diagnoseLog, RouteRequest, RouteResult } from './api.js';
import { routeRequest } from './router/router.js';

describe('expert API contracts', () => {
  it('validates route bodies and routeRequest output against RouteResult', () => {
    expect(RouteRequest.safeParse({ text: '  ' }).success).toBe(false);
    const body = RouteRequest.parse({ text: 'Webhook signature fails after key rotation' });
    const result = RouteResult.parse(routeRequest(body.text));
    expect(result.domains.map((d) => d.domain)).toContain('webhook');
  });

  it('diagnoses a log body into DiagnoseResult with solutions, limited and ranked', () => {
    const body = DiagnoseRequest.parse({
      log: [
        '{"level":40,"time":1,"msg":"assignment for job AJ_abc123XYZ timed out"}',
        'Error: sha256 checksum of body does not match',
        'Error: sha256 checksum of body does not match',
      ].join('\n'),
      limit: 2,
    });
    const result = DiagnoseResult.parse(diagnoseLog(body.log, { limit: body.limit }));
    expect(result.lines).toBe(3);
    expect(result.matches.map((m) => m.id)).toEqual([
      'webhook-sha256-mismatch',
      'agents-assignment-timeout',
    ]);
    expect(result.matches[0]?.occurrences).toBe(2);
    expect(result.matches[0]?.solution[0]?.code?.language).toBe('ts');
    expect(DiagnoseRequest.parse({ log: 'x' }).limit).toBe(5);
  });
});
