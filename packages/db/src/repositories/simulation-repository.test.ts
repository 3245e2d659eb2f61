import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openMigratedTestDatabase, type TestDatabase } from '../test-databases.js';
import { SessionRepository } from './session-repository.js';
import { SimulationRepository } from './simulation-repository.js';

describe.each(BACKENDS)('SimulationRepository on %s', (backend) => {
  let test: TestDatabase;
  let simulations: SimulationRepository;
  let sessions: SessionRepository;
  const owner = randomUUID();

  beforeAll(async () => {
    test = await openMigratedTestDatabase(backend, 'simulations');
    simulations = new SimulationRepository(test.database.db);
    sessions = new SessionRepository(test.database.db);
  });
  afterAll(() => test.cleanup());

  it('creates a simulation, scoped to its owner', async () => {
    const created = await simulations.create({ ownerId: owner, mode: 'text', config: { runs: 2 } });
    expect(created.status).toBe('queued');
    expect((await simulations.get(owner, created.id))?.config).toEqual({ runs: 2 });
    expect(await simulations.get(randomUUID(), created.id)).toBeUndefined();
    expect((await simulations.list(owner)).map((s) => s.id)).toContain(created.id);
  });

  it('plans runs idempotently and walks them from queued to finished', async () => {
    const sim = await simulations.create({ ownerId: owner, mode: 'text', config: {} });
    const plan = [
      { runIndex: 0, scenario: 'billing-dispute', persona: 'calm-customer' },
      { runIndex: 1, scenario: 'billing-dispute', persona: 'angry-customer' },
    ];
    const first = await simulations.planRuns(sim.id, owner, plan);
    await simulations.startRun(sim.id, 0);
    const again = await simulations.planRuns(sim.id, owner, plan);
    expect(first.map((r) => [r.runIndex, r.status])).toEqual([
      [0, 'queued'],
      [1, 'queued'],
    ]);
    // A retried plan keeps the runs as they are.
    expect(again.map((r) => [r.runIndex, r.status])).toEqual([
      [0, 'running'],
      [1, 'queued'],
    ]);

    await simulations.markRunning(sim.id);
    const session = await sessions.create({
      ownerId: owner,
      kind: 'simulation',
      roomName: `sim-${sim.id}-1`,
    });
    const started = await simulations.startRun(sim.id, 1, session.id);
    expect(started?.sessionId).toBe(session.id);
    // The session a run records into does not change on a second start.
    const other = await sessions.create({
      ownerId: owner,
      kind: 'simulation',
      roomName: `x-${randomUUID()}`,
    });
    expect((await simulations.startRun(sim.id, 1, other.id))?.sessionId).toBe(session.id);

    await simulations.finishRun(sim.id, 0, { status: 'error', passed: null, error: 'boom' });
    await simulations.finishRun(sim.id, 1, {
      status: 'passed',
      passed: true,
      verdicts: [{ id: 'a', passed: true }],
      metrics: { turns: 3 },
    });
    const runs = await simulations.listRuns(owner, sim.id);
    expect(runs.map((r) => [r.status, r.passed, r.error])).toEqual([
      ['error', null, 'boom'],
      ['passed', true, null],
    ]);
    expect(runs[1]?.finishedAt).toBeInstanceOf(Date);
    expect(await simulations.listRuns(randomUUID(), sim.id)).toEqual([]);

    const finished = await simulations.finish(sim.id, {
      status: 'completed',
      summary: { passRate: 0.5 },
    });
    expect(finished?.status).toBe('completed');
    expect(finished?.startedAt).toBeInstanceOf(Date);
    expect((await simulations.getRun(sim.id, 1))?.metrics).toEqual({ turns: 3 });
  });
});
