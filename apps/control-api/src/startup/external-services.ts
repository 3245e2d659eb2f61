import type { ControlApiEnv } from '../env.js';
import { probeLivekit } from '../livekit/probe.js';

export interface MissingService {
  service: 'livekit' | 'llm' | 'redis' | 'supabase';
  problem: string;
  /** How to provide it. */
  fix: string;
}

/** Which external services this process is not connected to, and how to provide each. */
export async function findMissingServices(env: ControlApiEnv): Promise<MissingService[]> {
  const missing: MissingService[] = [];
  const livekit = await probeLivekit(env.LIVEKIT_URL);
  if (!livekit.reachable) {
    missing.push({
      service: 'livekit',
      problem: `no LiveKit server reachable at ${env.LIVEKIT_URL} (${livekit.detail})`,
      fix: 'run `livekit-server --dev`, or set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET',
    });
  }
  if (!env.OPENAI_API_KEY && !env.OPENAI_BASE_URL) {
    missing.push({
      service: 'llm',
      problem: 'no LLM configured: agents cannot answer',
      fix: 'set OPENAI_API_KEY, or OPENAI_BASE_URL for an OpenAI-compatible server (Ollama, vLLM...)',
    });
  }
  if (!env.REDIS_URL) {
    missing.push({
      service: 'redis',
      problem: 'no Redis: rate limits are kept per process',
      fix: 'set REDIS_URL to share them across API replicas',
    });
  }
  if (!env.SUPABASE_URL && !env.SUPABASE_JWT_SECRET) {
    missing.push({
      service: 'supabase',
      problem: 'no Supabase project: end-user tokens cannot be verified, only API keys work',
      fix: 'set SUPABASE_URL (JWKS) or SUPABASE_JWT_SECRET',
    });
  }
  return missing;
}
