import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/** Repository root (this package lives in `deploy/`). */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const DEPLOY_DIR = join(REPO_ROOT, 'deploy');

export type EnvMap = Record<string, string>;

/** Reads a `.env`-style file: `KEY=value` lines; comments and blank lines ignored. */
export function readEnvFile(path: string): EnvMap {
  const env: EnvMap = {};
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`${path}: not KEY=value: ${line}`);
    env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

/**
 * Names a `.env`-style file documents: its variables and the `# NAME=...` lines of its comments
 * (values set elsewhere, listed for reference).
 */
export function documentedNames(path: string): Set<string> {
  const names = new Set<string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^#?\s*([A-Z][A-Z0-9_]*)=/.exec(line.trim());
    if (match?.[1]) names.add(match[1]);
  }
  return names;
}

const INTERPOLATION = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;

/**
 * Compose-style interpolation of one string: `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?message}`, `${VAR?message}`, and `$$` for a literal `$`. Records every variable named.
 */
export function interpolate(value: string, vars: EnvMap, used?: Set<string>): string {
  return value.replace(INTERPOLATION, (match, name: string | undefined, op?: string, arg = '') => {
    if (match === '$$') return '$';
    if (!name) return match;
    used?.add(name);
    const current = vars[name];
    const unsetOrEmpty = current === undefined || current === '';
    switch (op) {
      case ':-':
        return unsetOrEmpty ? arg : current;
      case '-':
        return current === undefined ? arg : current;
      case ':?':
        if (unsetOrEmpty) throw new Error(`${name}: ${arg}`);
        return current;
      case '?':
        if (current === undefined) throw new Error(`${name}: ${arg}`);
        return current;
      default:
        return current ?? '';
    }
  });
}

function interpolateDeep(value: unknown, vars: EnvMap, used: Set<string>): unknown {
  if (typeof value === 'string') return interpolate(value, vars, used);
  if (Array.isArray(value)) return value.map((item) => interpolateDeep(item, vars, used));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateDeep(item, vars, used)]),
    );
  }
  return value;
}

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | number>;
  ports?: string[];
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  container_name?: string;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  entrypoint?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** docker-compose.yml, interpolated with `vars` the way compose does; `used` lists the names. */
export function loadCompose(vars: EnvMap): { compose: ComposeFile; used: Set<string> } {
  const raw = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), {
    merge: true,
  }) as unknown;
  const used = new Set<string>();
  const compose = interpolateDeep(raw, vars, used) as ComposeFile;
  return { compose, used };
}

/** A service's environment as strings (compose accepts numbers too). */
export function serviceEnv(service: ComposeService): EnvMap {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([key, value]) => [key, String(value)]),
  );
}

/** Every Kubernetes object in deploy/k8s/*.yaml, with the file it came from. */
export interface K8sObject {
  file: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export function loadK8sObjects(): K8sObject[] {
  const dir = join(DEPLOY_DIR, 'k8s');
  const objects: K8sObject[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      const value = doc.toJS() as Omit<K8sObject, 'file'> | null;
      if (value) objects.push({ ...value, file });
    }
  }
  return objects;
}

/** One systemd unit as `section → key → values` (keys may repeat, e.g. Environment=). */
export type SystemdUnit = Record<string, Record<string, string[]>>;

export function readSystemdUnit(path: string): SystemdUnit {
  const unit: SystemdUnit = {};
  let section: Record<string, string[]> | undefined;
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header?.[1]) {
      section = unit[header[1]] ?? {};
      unit[header[1]] = section;
      continue;
    }
    const eq = line.indexOf('=');
    if (!section || eq <= 0) throw new Error(`${path}: unexpected line: ${line}`);
    const key = line.slice(0, eq).trim();
    const values = section[key] ?? [];
    values.push(line.slice(eq + 1).trim());
    section[key] = values;
  }
  return unit;
}

/** `Environment=A=1` lines of a unit, with `%i` replaced by an instance name. */
export function systemdEnvironment(unit: SystemdUnit, instance = '1'): EnvMap {
  const env: EnvMap = {};
  for (const assignment of unit.Service?.Environment ?? []) {
    const eq = assignment.indexOf('=');
    env[assignment.slice(0, eq)] = assignment.slice(eq + 1).replaceAll('%i', instance);
  }
  return env;
}

export interface Dockerfile {
  stages: string[];
  instructions: { keyword: string; args: string; stage: number }[];
}

/** Dockerfile instructions (continuation lines joined, comments dropped), per build stage. */
export function readDockerfile(path: string): Dockerfile {
  const text = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const stages: string[] = [];
  const instructions: Dockerfile['instructions'] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!match?.[1]) continue;
    const keyword = match[1];
    const args = (match[2] ?? '').replace(/\s+/g, ' ').trim();
    if (keyword === 'FROM') stages.push(args);
    instructions.push({ keyword, args, stage: stages.length - 1 });
  }
  return { stages, instructions };
}
