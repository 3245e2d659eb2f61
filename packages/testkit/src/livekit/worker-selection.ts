import { WorkerStatus } from '@livekit/protocol';
import type { AgentWorkerConnection } from './agent-worker-connection.js';

/** The server's selectWorkerWeightedByLoad: available workers, weight `max(0, 1 - load)`. */
export function selectWeightedByLoad(
  candidates: readonly AgentWorkerConnection[],
): AgentWorkerConnection | undefined {
  const weighted = candidates
    .filter((w) => w.status === WorkerStatus.WS_AVAILABLE)
    .map((w) => ({ w, weight: Math.max(0, 1 - w.load) }))
    .filter((e) => e.weight > 0);
  const total = weighted.reduce((sum, e) => sum + e.weight, 0);
  if (total === 0) return undefined;
  let pick = Math.random() * total;
  for (const entry of weighted) {
    pick -= entry.weight;
    if (pick <= 0) return entry.w;
  }
  return weighted[0]?.w;
}
