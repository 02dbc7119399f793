// The deploy half of the kill -9 scenario (issue #17 item 2): a project `app` whose runs deploy
// the manifest set `web` (a Deployment mounting the config set `app-config`) to an environment
// on the local cluster, and what must hold once the server stopped dying.
import { FINISHED_RELEASE_STATUSES, type Release, type Run } from '@slipway/contracts';
import type { KubeClient } from '@slipway/kube';
import { expect } from 'vitest';
import { MANIFESTS } from '../deploy-fixtures.ts';
import type { ServerCall } from '../server-session.ts';
import { until } from '../wait.ts';

/** The image a run's deploy deploys: one per run number, so the live Deployment names its release. */
export const DEPLOY_IMAGE = 'registry.example.com/shop:${{ run.number }}';

/** A deploy job (stage `ship`) of the manifest set `web` with the config set `app-config`. */
export const DEPLOY_STAGE = `  - name: ship
    jobs:
      - name: release
        steps:
          - deploy:
              manifests: web
              image: ${DEPLOY_IMAGE}
              config: [app-config]
              timeout: 2m
`;

/** What a deploy of project `app` needs, created after the project and before its pipeline. */
export function deploySetUp(ws: string, environment: string): [string, object][] {
  const project = `/api/v1/workspaces/${ws}/projects/app`;
  return [
    [`${project}/config-sets`, { name: 'app-config' }],
    [`${project}/config-sets/app-config/environments/${environment}/versions`, { data: { GREETING: 'v1' } }],
    [`${project}/manifest-sets`, { name: 'web', files: { 'app.yaml': MANIFESTS() } }],
  ];
}

/** Every release of project `app` (all fit in one page: the scenario makes fewer than 200). */
export async function listReleases(call: ServerCall, ws: string): Promise<Release[]> {
  const answer = await call('GET', `/api/v1/workspaces/${ws}/projects/app/releases?limit=200`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body as { items: Release[] }).items;
}

/** Waits until every release of project `app` has ended; returns them by number. */
export function settledReleases(call: ServerCall, ws: string, count: number): Promise<Release[]> {
  return until(
    `${count} releases to end`,
    async () => {
      const releases = await listReleases(call, ws).catch(() => undefined);
      if (!releases || releases.length < count) return undefined;
      if (!releases.every((release) => FINISHED_RELEASE_STATUSES.includes(release.status))) return undefined;
      return releases.sort((a, b) => a.number - b.number);
    },
    180_000,
  );
}

/**
 * Exactly once for deploys: one release per run (its deploy job names it) and one per
 * rollback, numbered 1..n without gap or double, every one ended well, one live.
 * Returns the live release.
 */
export function expectOneReleasePerDeploy(
  releases: Release[],
  runs: Run[],
  rollback: { number: number; of: Release },
): Release {
  expect(releases.map((release) => release.number)).toEqual(
    Array.from({ length: runs.length + 1 }, (_, i) => i + 1),
  );
  const byRun = new Map(releases.filter((r) => r.run).map((r) => [r.run?.number, r.number]));
  expect(byRun.size).toBe(runs.length);
  for (const run of runs) {
    const deploy = run.jobs.find((job) => job.kind === 'deploy');
    expect(deploy?.release, `run ${run.number}'s deploy job`).toBe(byRun.get(run.number));
  }
  const rolledBack = releases.find((release) => release.number === rollback.number);
  expect(rolledBack).toMatchObject({
    trigger: 'rollback',
    rollbackOf: rollback.of.number,
    run: null,
    image: rollback.of.image,
    config: rollback.of.config,
  });
  const notLive = releases.filter((release) => release.status !== 'succeeded');
  expect(
    notLive
      .filter((release) => !['superseded', 'rolled-back'].includes(release.status))
      .map((release) => [release.number, release.status, release.message]),
  ).toEqual([]);
  expect(notLive).toHaveLength(releases.length - 1);
  return releases.find((release) => release.status === 'succeeded') as Release;
}

/**
 * The namespace runs what the live release deployed (image, mounted ConfigMap, release
 * label), and each config version's immutable ConfigMap exists once, labelled with the first
 * release that deployed it (created once, reused after).
 */
export async function expectClusterMatches(
  kube: KubeClient,
  namespace: string,
  releases: Release[],
  live: Release,
): Promise<void> {
  const deployment = await kube.getDeployment(namespace, 'web');
  expect(deployment?.metadata?.labels?.['slipway.dev/release']).toBe(String(live.number));
  expect(deployment?.spec?.template.spec?.containers[0]?.image).toBe(live.image);
  expect(deployment?.spec?.template.spec?.volumes?.[0]?.configMap?.name).toBe(live.config[0]?.configMapName);
  const configMaps = await kube.listConfigMaps(namespace, 'slipway.dev/config-set=app-config');
  expect(configMaps.map((configMap) => configMap.metadata?.name).sort()).toEqual([
    'app-config-v1',
    'app-config-v2',
  ]);
  const started = releases
    .filter((r) => r.startedAt)
    .sort((a, b) => Date.parse(a.startedAt ?? '') - Date.parse(b.startedAt ?? ''));
  for (const configMap of configMaps) {
    const name = configMap.metadata?.name;
    const first = started.find((release) => release.config[0]?.configMapName === name);
    expect(configMap.metadata?.labels?.['slipway.dev/release'], `${name}'s creator`).toBe(
      String(first?.number),
    );
    expect(configMap.immutable).toBe(true);
    expect(configMap.data).toEqual({ GREETING: name === 'app-config-v1' ? 'v1' : 'v2' });
  }
}

/** A deploy log line of one applied object (see `release-transitions.ts`, phase `applied`). */
const APPLIED_LINE = /^(\S+) (created|configured|unchanged|created \(immutable\)|exists; reused)$/;

/**
 * Each release applied its objects once: its deploy log names every object it deployed (the
 * Deployment, its ConfigMap and Service, the config version's ConfigMap) exactly once —
 * the log is stored with the phase in one transaction, so an apply repeated after a kill
 * leaves one set of lines, not two.
 */
export async function expectAppliedOnce(call: ServerCall, ws: string, releases: Release[]): Promise<void> {
  const doubled: string[] = [];
  for (const release of releases) {
    const answer = await call('GET', `/api/v1/workspaces/${ws}/projects/app/releases/${release.number}/log`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const refs = (answer.body as { lines: { text: string }[] }).lines
      .map((line) => APPLIED_LINE.exec(line.text)?.[1])
      .filter((ref) => ref !== undefined);
    if (refs.length !== 4 || new Set(refs).size !== 4) doubled.push(`${release.number}: ${refs.join(', ')}`);
  }
  expect(doubled).toEqual([]);
}
