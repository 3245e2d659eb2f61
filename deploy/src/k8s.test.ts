import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { APPS, appNamed, JOB_PROCESS_SHUTDOWN_MS, parseAppEnv, unreadKeys } from './apps.js';
import { DEPLOY_DIR, type EnvMap, type K8sObject, loadK8sObjects } from './deployment-files.js';
import { deploymentContainer, k8sProbes } from './probes.js';

const objects = loadK8sObjects();
const byKind = (kind: string) => objects.filter((object) => object.kind === kind);
const named = (kind: string, name: string): K8sObject => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
/** An object's `spec`, typed as the test reads it. */
function specOf<T>(object: K8sObject): T {
  if (!object.spec) throw new Error(`${object.kind} ${object.metadata.name} has no spec`);
  return object.spec as T;
}
interface DeploymentSpec {
  selector: { matchLabels: EnvMap };
  template: { metadata: { labels: EnvMap }; spec: Record<string, unknown> };
}
const configMap = named('ConfigMap', 'voxie-config').data ?? {};
const secret = named('Secret', 'voxie-secrets').stringData ?? {};
const WORKERS = ['spawner', 'voxie'];
const DEPLOYMENTS = ['control-api', ...WORKERS];

interface EnvEntry {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

/** The environment a container gets, with the ConfigMap and the example Secret's values. */
function containerEnv(deployment: K8sObject): EnvMap {
  const env: EnvMap = {};
  for (const entry of (deploymentContainer(deployment).env ?? []) as EnvEntry[]) {
    const fromMap = entry.valueFrom?.configMapKeyRef;
    const fromSecret = entry.valueFrom?.secretKeyRef;
    if (entry.value !== undefined) env[entry.name] = entry.value;
    else if (fromMap) env[entry.name] = configMap[fromMap.key] ?? '';
    else if (fromSecret) env[entry.name] = secret[fromSecret.key] ?? '';
  }
  return env;
}

describe('deploy/k8s', () => {
  it('parses, and kustomization.yaml lists every manifest but the Secret template', () => {
    const kustomization = parse(
      readFileSync(join(DEPLOY_DIR, 'k8s/kustomization.yaml'), 'utf8'),
    ) as { resources: string[] };
    const files = new Set(objects.map((object) => object.file));
    files.delete('kustomization.yaml');
    files.delete('secret.example.yaml');
    expect(kustomization.resources.sort()).toEqual([...files].sort());
  });

  it('has a Deployment, Service, HPA and PodDisruptionBudget per app, selecting its pods', () => {
    for (const name of DEPLOYMENTS) {
      const deployment = named('Deployment', name);
      const { template, selector: deploymentSelector } = specOf<DeploymentSpec>(deployment);
      const labels = template.metadata.labels;
      const selector = deploymentSelector.matchLabels;
      expect(labels).toMatchObject(selector);

      const service = named('Service', name);
      const serviceSpec = specOf<{ selector: EnvMap; ports: { targetPort: string | number }[] }>(
        service,
      );
      expect(labels).toMatchObject(serviceSpec.selector);
      const container = deploymentContainer(deployment);
      for (const port of serviceSpec.ports) {
        expect(
          container.ports?.some(
            (entry) => entry.name === port.targetPort || entry.containerPort === port.targetPort,
          ),
        ).toBe(true);
      }

      const hpa = named('HorizontalPodAutoscaler', name);
      expect(hpa.spec?.scaleTargetRef).toEqual({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name,
      });
      expect(hpa.spec?.metrics).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            type: 'Resource',
            resource: expect.objectContaining({ name: 'cpu' }),
          }),
        ]),
      );

      const pdb = named('PodDisruptionBudget', name);
      expect(labels).toMatchObject(
        specOf<{ selector: { matchLabels: EnvMap } }>(pdb).selector.matchLabels,
      );
    }
    expect(byKind('Deployment')).toHaveLength(DEPLOYMENTS.length);
  });

  it('references only ConfigMap and Secret keys that exist', () => {
    for (const name of DEPLOYMENTS) {
      for (const entry of (deploymentContainer(named('Deployment', name)).env ??
        []) as EnvEntry[]) {
        const fromMap = entry.valueFrom?.configMapKeyRef;
        const fromSecret = entry.valueFrom?.secretKeyRef;
        if (fromMap) {
          expect(fromMap.name).toBe('voxie-config');
          expect(configMap).toHaveProperty(fromMap.key);
        }
        if (fromSecret) {
          expect(fromSecret.name).toBe('voxie-secrets');
          expect(secret).toHaveProperty(fromSecret.key);
        }
      }
    }
  });

  it.each(APPS.map((app) => app.name))(
    '%s gets only variables its env schema reads, and every required one',
    (name) => {
      const app = appNamed(name);
      const env = containerEnv(named('Deployment', name));
      expect(unreadKeys(app, env)).toEqual([]);
      expect(parseAppEnv(app, env)).toMatchObject({ ok: true });
    },
  );

  it('probes each app on the port it listens on', () => {
    const probes = k8sProbes(objects, DEPLOYMENTS);
    expect(probes).toHaveLength(DEPLOYMENTS.length * 3);
    for (const probe of probes) expect(probe.port, probe.source).toBe(probe.listenPort);
  });

  it('gives workers longer to stop than they take to drain, and runs everything non-root', () => {
    for (const name of DEPLOYMENTS) {
      const deployment = named('Deployment', name);
      const pod = specOf<DeploymentSpec>(deployment).template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
      const grace = Number(pod.terminationGracePeriodSeconds) * 1000;
      const env = containerEnv(deployment);
      const drain = env.DRAIN_TIMEOUT_MS
        ? Number(env.DRAIN_TIMEOUT_MS) + JOB_PROCESS_SHUTDOWN_MS
        : Number(env.SHUTDOWN_GRACE_MS);
      expect(drain).toBeGreaterThan(0);
      expect(grace, name).toBeGreaterThan(drain);
    }
  });
});
