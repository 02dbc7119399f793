// Values, fixtures and helpers of the chart tests.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import type { KubeClient } from '../../../packages/kube/src/index.ts';
import type { CommandResult } from './helm.ts';

// The client-node types, through the kube package (charts/ has no dependencies of its own).
export type KubernetesObject = Parameters<KubeClient['applyObject']>[0];
export type V1Deployment = NonNullable<Awaited<ReturnType<KubeClient['getDeployment']>>>;
export type V1Secret = NonNullable<Awaited<ReturnType<KubeClient['getSecret']>>>;
export type V1Job = NonNullable<Awaited<ReturnType<KubeClient['getJob']>>>;

export const DATABASE_URL = 'postgresql://slipway:secret@db.example.internal:5432/slipway';

/** Every optional part of the chart on. */
export const ALL_ON = {
  database: { url: DATABASE_URL },
  ingress: {
    enabled: true,
    className: 'nginx',
    annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' },
    hosts: [{ host: 'slipway.example.com', paths: [{ path: '/', pathType: 'Prefix' }] }],
    tls: [{ secretName: 'slipway-tls', hosts: ['slipway.example.com'] }],
  },
  metrics: {
    enabled: true,
    service: { enabled: true },
    serviceMonitor: { enabled: true, labels: { release: 'prom' } },
  },
  extraEnv: [{ name: 'SLIPWAY_SESSION_IDLE_MINUTES', value: '60' }],
  podAnnotations: { 'example.com/team': 'platform' },
  podLabels: { 'example.com/tier': 'platform' },
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'platform', effect: 'NoSchedule' }],
  affinity: {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: {
            topologyKey: 'kubernetes.io/hostname',
            labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'slipway' } },
          },
        },
      ],
    },
  },
  topologySpreadConstraints: [
    {
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'slipway' } },
    },
  ],
  imagePullSecrets: [{ name: 'registry' }],
  serviceAccount: { annotations: { 'example.com/role': 'slipway' } },
};

/** Writes values to a temporary YAML file for `helm -f`; returns its path. */
export function valuesFile(name: string, values: unknown): string {
  const file = path.join(tmpdir(), `slipway-chart-${process.pid}-${name}.yaml`);
  writeFileSync(file, stringify(values));
  return file;
}

/** The objects of a rendered manifest (`helm template` output), empty documents dropped. */
export function objectsOf(manifest: string): KubernetesObject[] {
  return parseAllDocuments(manifest)
    .map((doc) => doc.toJS() as KubernetesObject | null)
    .filter((object): object is KubernetesObject => object !== null);
}

/** Fails the test with helm's stderr unless the command succeeded; returns its stdout. */
export function expectOk(result: CommandResult): string {
  expect(result.code, `helm failed: ${result.stderr}`).toBe(0);
  return result.stdout;
}
