import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { VoxieDb } from '../client.js';
import { simulationRuns, simulations } from '../schema.js';
import { required } from './required.js';

export type Simulation = typeof simulations.$inferSelect;
export type SimulationRun = typeof simulationRuns.$inferSelect;

export interface CreateSimulationInput {
  /** Chosen by the caller when it must be known first (room names, dispatch metadata). */
  id?: string;
  ownerId: string;
  agentId?: string;
  agentVersionId?: string;
  mode: Simulation['mode'];
  config: unknown;
}

export interface PlannedRun {
  runIndex: number;
  scenario: string;
  persona: string;
}

export interface FinishRunInput {
  status: 'passed' | 'failed' | 'error';
  passed: boolean | null;
  verdicts?: unknown;
  metrics?: unknown;
  error?: string;
}

/**
 * Simulations (one batch of simulated conversations) and their runs. Reads are owner-scoped;
 * the writes a runner makes while it works are keyed by simulation id and run index.
 */
export class SimulationRepository {
  constructor(private readonly db: VoxieDb) {}

  async create(input: CreateSimulationInput): Promise<Simulation> {
    const [row] = await this.db.insert(simulations).values(input).returning();
    return required(row);
  }

  async get(ownerId: string, id: string): Promise<Simulation | undefined> {
    const [row] = await this.db
      .select()
      .from(simulations)
      .where(and(eq(simulations.id, id), eq(simulations.ownerId, ownerId)));
    return row;
  }

  async list(ownerId: string, limit = 50): Promise<Simulation[]> {
    return this.db
      .select()
      .from(simulations)
      .where(eq(simulations.ownerId, ownerId))
      .orderBy(desc(simulations.createdAt), desc(simulations.id))
      .limit(limit);
  }

  /** `queued` → `running`; keeps the first start time. */
  async markRunning(id: string): Promise<void> {
    await this.db
      .update(simulations)
      .set({
        status: sql`case when ${simulations.status} = 'queued' then 'running' else ${simulations.status} end`,
        startedAt: sql`coalesce(${simulations.startedAt}, now())`,
      })
      .where(eq(simulations.id, id));
  }

  async finish(
    id: string,
    input: { status: 'completed' | 'failed' | 'cancelled'; summary: unknown },
  ): Promise<Simulation | undefined> {
    const [row] = await this.db
      .update(simulations)
      .set({ status: input.status, summary: input.summary, finishedAt: new Date() })
      .where(eq(simulations.id, id))
      .returning();
    return row;
  }

  /**
   * Adds the planned runs as `queued`; runs that already exist (a retried request) are kept
   * as they are. Returns every run of the simulation in order.
   */
  async planRuns(
    simulationId: string,
    ownerId: string,
    runs: readonly PlannedRun[],
  ): Promise<SimulationRun[]> {
    if (runs.length > 0) {
      await this.db
        .insert(simulationRuns)
        .values(runs.map((run) => ({ ...run, simulationId, ownerId })))
        .onConflictDoNothing({ target: [simulationRuns.simulationId, simulationRuns.runIndex] });
    }
    return this.db
      .select()
      .from(simulationRuns)
      .where(eq(simulationRuns.simulationId, simulationId))
      .orderBy(asc(simulationRuns.runIndex));
  }

  async listRuns(ownerId: string, simulationId: string): Promise<SimulationRun[]> {
    return this.db
      .select()
      .from(simulationRuns)
      .where(
        and(eq(simulationRuns.simulationId, simulationId), eq(simulationRuns.ownerId, ownerId)),
      )
      .orderBy(asc(simulationRuns.runIndex));
  }

  async getRun(simulationId: string, runIndex: number): Promise<SimulationRun | undefined> {
    const [row] = await this.db
      .select()
      .from(simulationRuns)
      .where(
        and(eq(simulationRuns.simulationId, simulationId), eq(simulationRuns.runIndex, runIndex)),
      );
    return row;
  }

  /** The run is under way and records into `sessionId` (kept if one was set before). */
  async startRun(
    simulationId: string,
    runIndex: number,
    sessionId?: string,
  ): Promise<SimulationRun | undefined> {
    const [row] = await this.db
      .update(simulationRuns)
      .set({
        status: 'running',
        startedAt: sql`coalesce(${simulationRuns.startedAt}, now())`,
        ...(sessionId
          ? { sessionId: sql`coalesce(${simulationRuns.sessionId}, ${sessionId}::uuid)` }
          : {}),
      })
      .where(
        and(eq(simulationRuns.simulationId, simulationId), eq(simulationRuns.runIndex, runIndex)),
      )
      .returning();
    return row;
  }

  async finishRun(
    simulationId: string,
    runIndex: number,
    input: FinishRunInput,
  ): Promise<SimulationRun | undefined> {
    const [row] = await this.db
      .update(simulationRuns)
      .set({
        status: input.status,
        passed: input.passed,
        verdicts: input.verdicts ?? null,
        metrics: input.metrics ?? null,
        error: input.error ?? null,
        finishedAt: new Date(),
      })
      .where(
        and(eq(simulationRuns.simulationId, simulationId), eq(simulationRuns.runIndex, runIndex)),
      )
      .returning();
    return row;
  }
}
