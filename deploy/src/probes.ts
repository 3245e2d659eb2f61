import { join } from 'node:path';
import {
  type ComposeFile,
  DEPLOY_DIR,
  type EnvMap,
  type K8sObject,
  readDockerfile,
  readSystemdUnit,
  serviceEnv,
  systemdEnvironment,
} from './deployment-files.js';

/** One place a deployment file calls an app's HTTP endpoint. */
export interface ProbeDeclaration {
  /** e.g. `k8s spawner.yaml readinessProbe`. */
  source: string;
  app: string;
  path: string;
  /** The port the probe calls. */
  port: number;
  /** The port the app listens on in that deployment (its PORT variable). */
  listenPort: number;
}

const URL_IN_COMMAND =
  /http:\/\/127\.0\.0\.1:(?:(\d+)|' \+ \(process\.env\.PORT \|\| '(\d+)'\) \+ ')(\/[a-z/]*)/;

function probeFromCommand(command: string): { port: number; path: string } | undefined {
  const match = URL_IN_COMMAND.exec(command);
  if (!match) return undefined;
  return { port: Number(match[1] ?? match[2]), path: match[3] ?? '' };
}

/** Compose healthchecks of the app services. */
export function composeProbes(compose: ComposeFile, apps: string[]): ProbeDeclaration[] {
  return apps.flatMap((app) => {
    const service = compose.services[app];
    const probe = probeFromCommand((service?.healthcheck?.test ?? []).join(' '));
    if (!probe) return [];
    const listenPort = Number(serviceEnv(service ?? {}).PORT);
    return [{ source: `compose ${app} healthcheck`, app, listenPort, ...probe }];
  });
}

/** HEALTHCHECK of deploy/docker/<app>.Dockerfile, against the PORT the image sets. */
export function dockerfileProbes(apps: string[]): ProbeDeclaration[] {
  return apps.flatMap((app) => {
    const file = readDockerfile(join(DEPLOY_DIR, `docker/${app}.Dockerfile`));
    const last = file.stages.length - 1;
    const healthcheck = file.instructions.find(
      (entry) => entry.keyword === 'HEALTHCHECK' && entry.stage === last,
    );
    const env = file.instructions.find(
      (entry) => entry.keyword === 'ENV' && entry.stage === last && /\bPORT=/.test(entry.args),
    );
    const probe = probeFromCommand(healthcheck?.args ?? '');
    if (!probe) return [];
    const listenPort = Number(/\bPORT=(\d+)/.exec(env?.args ?? '')?.[1]);
    return [{ source: `Dockerfile ${app} HEALTHCHECK`, app, listenPort, ...probe }];
  });
}

interface Container {
  name: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
}
interface Probe {
  httpGet?: { path: string; port: number | string };
}

/** The first container of a Deployment. */
export function deploymentContainer(deployment: K8sObject): Container {
  const template = deployment.spec?.template as { spec: { containers: Container[] } } | undefined;
  const container = template?.spec.containers[0];
  if (!container) throw new Error(`${deployment.metadata.name}: no container`);
  return container;
}

/** Liveness, readiness and startup probes of the app Deployments. */
export function k8sProbes(objects: K8sObject[], apps: string[]): ProbeDeclaration[] {
  return objects
    .filter((object) => object.kind === 'Deployment' && apps.includes(object.metadata.name))
    .flatMap((deployment) => {
      const container = deploymentContainer(deployment);
      const listenPort = Number(container.env?.find((entry) => entry.name === 'PORT')?.value);
      return (['livenessProbe', 'readinessProbe', 'startupProbe'] as const).flatMap((kind) => {
        const get = container[kind]?.httpGet;
        if (!get) return [];
        const port =
          typeof get.port === 'number'
            ? get.port
            : container.ports?.find((entry) => entry.name === get.port)?.containerPort;
        return [
          {
            source: `k8s ${deployment.file} ${kind}`,
            app: deployment.metadata.name,
            path: get.path,
            port: port ?? Number.NaN,
            listenPort,
          },
        ];
      });
    });
}

/** systemd units do not probe; their PORT is still checked against the app. */
export function systemdPorts(apps: string[]): { app: string; env: EnvMap }[] {
  return apps.map((app) => {
    const file = app === 'control-api' ? 'voxie-control-api.service' : `voxie-${app}@.service`;
    return { app, env: systemdEnvironment(readSystemdUnit(join(DEPLOY_DIR, 'systemd', file))) };
  });
}
