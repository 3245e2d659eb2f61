import { join } from 'node:path';
import { ConfigError, type EnvSource } from '@voxie/config';
import { loadControlApiEnv } from '@voxie/control-api';
import { loadSpawnerEnv } from '@voxie/spawner';
import { loadVoxieEnv } from '@voxie/voxie';
import { DEPLOY_DIR, type EnvMap, REPO_ROOT } from './deployment-files.js';

/**
 * After draining, a worker closes its remaining job processes, giving each
 * JOB_PROCESS_SHUTDOWN_MS to exit: a worker's stop can take DRAIN_TIMEOUT_MS plus this.
 */
export { JOB_PROCESS_SHUTDOWN_MS } from '@voxie/agent-worker';

/** What the deployment files must agree on for one app. */
export interface AppFacts {
  /** Compose service, Kubernetes Deployment and image name. */
  name: 'control-api' | 'spawner' | 'voxie';
  packageName: string;
  dir: string;
  /** Production entry point (`node dist/main.js` in the app's directory). */
  main: string;
  dockerfile: string;
  /** The app's env loader: throws ConfigError naming every bad variable. */
  loadEnv: (source: EnvSource) => unknown;
  /** Variables read outside the schema, by prefix (e.g. the spawner's VOXIE_SECRET_*). */
  extraPrefixes: string[];
}

export const APPS: AppFacts[] = [
  {
    name: 'control-api',
    packageName: '@voxie/control-api',
    dir: join(REPO_ROOT, 'apps/control-api'),
    main: join(REPO_ROOT, 'apps/control-api/dist/main.js'),
    dockerfile: join(DEPLOY_DIR, 'docker/control-api.Dockerfile'),
    loadEnv: loadControlApiEnv,
    extraPrefixes: [],
  },
  {
    name: 'spawner',
    packageName: '@voxie/spawner',
    dir: join(REPO_ROOT, 'apps/spawner'),
    main: join(REPO_ROOT, 'apps/spawner/dist/main.js'),
    dockerfile: join(DEPLOY_DIR, 'docker/spawner.Dockerfile'),
    loadEnv: loadSpawnerEnv,
    extraPrefixes: ['VOXIE_SECRET_'],
  },
  {
    name: 'voxie',
    packageName: '@voxie/voxie',
    dir: join(REPO_ROOT, 'apps/voxie'),
    main: join(REPO_ROOT, 'apps/voxie/dist/main.js'),
    dockerfile: join(DEPLOY_DIR, 'docker/voxie.Dockerfile'),
    loadEnv: loadVoxieEnv,
    extraPrefixes: [],
  },
];

export function appNamed(name: string): AppFacts {
  const app = APPS.find((candidate) => candidate.name === name);
  if (!app) throw new Error(`no app named ${name}`);
  return app;
}

/** Parses `env` with the app's loader; returns the problem list instead of throwing. */
export function parseAppEnv(
  app: AppFacts,
  env: EnvMap,
): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  try {
    return { ok: true, value: app.loadEnv(env) as Record<string, unknown> };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, message: error.message };
    throw error;
  }
}

/** Enough for every app to start in development (what `livekit-server --dev` uses). */
const BASELINE: EnvMap = {
  NODE_ENV: 'development',
  LIVEKIT_URL: 'ws://localhost:7880',
  LIVEKIT_API_KEY: 'devkey',
  LIVEKIT_API_SECRET: 'secret',
};

/**
 * Whether the app's env schema reads `key`. A zod object drops keys it does not know, so a known
 * key either survives parsing or fails validation under its own name; an unknown one vanishes.
 * Checked on a development baseline with the given value, or a placeholder when the
 * deployment leaves it empty.
 */
export function schemaReads(app: AppFacts, key: string, value: string): boolean {
  if (app.extraPrefixes.some((prefix) => key.startsWith(prefix))) return true;
  const result = parseAppEnv(app, { ...BASELINE, [key]: value || 'x' });
  if (result.ok) return key in result.value;
  return result.message.includes(`${key}:`);
}

/** Keys of `env` the app's schema does not read. */
export function unreadKeys(app: AppFacts, env: EnvMap): string[] {
  return Object.entries(env)
    .filter(([key, value]) => !schemaReads(app, key, value))
    .map(([key]) => key);
}
