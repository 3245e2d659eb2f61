import {
  commonEnv,
  databaseEnv,
  type EnvSource,
  livekitEnv,
  loadEnv,
  type NodeEnv,
  portEnv,
  providerEnv,
  redisEnv,
  supabaseEnv,
} from '@voxie/config';
import { z } from 'zod';

const controlApiEnv = (mode: NodeEnv) =>
  z.object({
    ...commonEnv,
    ...livekitEnv(mode),
    ...databaseEnv,
    ...supabaseEnv,
    ...providerEnv,
    ...redisEnv,
    ...portEnv('PORT', 8080),
    HOST: z.string().min(1).default('0.0.0.0').describe('interface to listen on'),
  });

export type ControlApiEnv = z.infer<ReturnType<typeof controlApiEnv>>;

/** Parses the control API's environment; throws one ConfigError listing every problem. */
export function loadControlApiEnv(source: EnvSource): ControlApiEnv {
  return loadEnv(controlApiEnv, source);
}
