import { randomUUID } from 'node:crypto';
import { type Database, SimulationRepository } from '@voxie/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSimulationRun } from './simulation-side.js';
import { openTestDatabase } from './test-database.js';

describe('simulation side (room mode)', () => {
  let db: { database: Database; cleanup(): Promise<void> };
  const owner = randomUUID();

  beforeAll(async () => {
    db = await openTestDatabase('spawner_simulation_side');
  });
  afterAll(() => db?.cleanup());

  it('finds the persona and scenario of the dispatched run in the stored config', async () => {
    const simulation = await new SimulationRepository(db.database.db).create({
      ownerId: owner,
      mode: 'room',
      config: {
        scenarios: ['billing-dispute', { name: 'custom', callerWants: 'A callback.' }],
        personas: ['calm-customer', 'angry-customer'],
        runs: 1,
      },
    });
    const plan = (runIndex: number) =>
      loadSimulationRun(db.database, owner, {
        simulationId: simulation.id,
        runIndex,
        role: 'caller',
      });
    expect(await plan(1)).toMatchObject({
      runIndex: 1,
      scenario: { name: 'billing-dispute' },
      persona: { name: 'angry-customer', displayName: 'Tom Becker' },
    });
    expect(await plan(2)).toMatchObject({
      scenario: { name: 'custom', callerWants: 'A callback.' },
      persona: { name: 'calm-customer' },
    });
    expect(await plan(4)).toBeUndefined();
    // Another owner's simulation, or metadata without a run, is not found.
    expect(
      await loadSimulationRun(db.database, randomUUID(), {
        simulationId: simulation.id,
        runIndex: 0,
      }),
    ).toBeUndefined();
    expect(
      await loadSimulationRun(db.database, owner, { simulationId: simulation.id }),
    ).toBeUndefined();
  });
});
