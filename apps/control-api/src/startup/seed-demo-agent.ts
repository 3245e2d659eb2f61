import { DEMO_AGENT_DEFINITION } from '@voxie/agent-core';
import { type Agent, AgentRepository, type VoxieDb } from '@voxie/db';

/** Owner of the demo agent an embedded install is seeded with. */
export const DEMO_OWNER_ID = '00000000-0000-4000-8000-000000000001';

/** Creates and publishes the demo agent unless it exists already. Returns it either way. */
export async function seedDemoAgent(db: VoxieDb): Promise<{ agent: Agent; created: boolean }> {
  const agents = new AgentRepository(db);
  const existing = await agents.findByName(DEMO_OWNER_ID, DEMO_AGENT_DEFINITION.name);
  if (existing) return { agent: existing, created: false };
  const agent = await agents.create({
    ownerId: DEMO_OWNER_ID,
    name: DEMO_AGENT_DEFINITION.name,
    description: DEMO_AGENT_DEFINITION.description,
    draft: DEMO_AGENT_DEFINITION,
  });
  await agents.publish(DEMO_OWNER_ID, agent.id);
  return { agent, created: true };
}
