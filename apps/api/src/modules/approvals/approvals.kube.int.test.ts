// The approval diff on the real control plane: each object of the release dry-run applied as
// the environment's deployer and compared with the live one (create / update / unchanged),
// objects of the live release it drops marked prune; a live object changed between showing
// the diff and approving it makes the approval stale (409 with the new diff).
import { randomBytes } from 'node:crypto';
import type { ApprovalDetail } from '@slipway/contracts';
import type { KubernetesObject } from '@slipway/kube';
import { adminClient, clusterSkipReason, testKubeconfig } from '@slipway/kube/testing';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  signInAsProjectMember,
  type TestApp,
} from '../../../test/helper.ts';
import { stampLabels } from '../releases/release-labels.ts';

const configMap = (name: string, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data,
});

describe.skipIf(postgresSkipReason() || clusterSkipReason())('the approval diff on a real cluster', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let olga: SignedInClient;
  const kube = adminClient();
  const ws = `appr-${randomBytes(3).toString('hex')}`;
  const namespace = `${ws}-prod`;
  const ids = { project: '', environment: '', cluster: '', workspace: '' };

  /** A release of project shop in prod with these objects (labelled as release `number`). */
  async function release(number: number, status: string, objects: KubernetesObject[]) {
    const row = await t.db.prisma.release.create({
      data: {
        projectId: ids.project,
        number,
        environmentId: ids.environment,
        environmentName: 'prod',
        clusterId: ids.cluster,
        namespace,
        status,
        phase: status === 'succeeded' ? 'done' : 'pending',
        image: `shop:${number}`,
        objects: objects.map((o) => stampLabels(o, 'shop', number)) as object[],
        createdByName: 'admin',
        ...(status === 'awaiting-approval'
          ? {
              approval: {
                create: {
                  workspaceId: ids.workspace,
                  required: 1,
                  approverRole: 'operator',
                  allowSelfApproval: false,
                  expiryMinutes: 60,
                  status: 'pending',
                  requestedByName: 'admin',
                  expiresAt: new Date(Date.now() + 3_600_000),
                },
              },
            }
          : {}),
      },
      include: { approval: true },
    });
    return row;
  }

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    const cluster = await admin.request({
      method: 'POST',
      url: '/api/v1/clusters',
      payload: { name: 'local', kubeconfig: testKubeconfig() },
    });
    expect(cluster.statusCode, cluster.body).toBe(201);
    await seedWorkspace(admin, ws, 'shop');
    const env = await admin.request({
      method: 'POST',
      url: `/api/v1/workspaces/${ws}/environments`,
      payload: { name: 'prod', cluster: 'local', production: true },
    });
    expect(env.statusCode, env.body).toBe(201);
    olga = await signInAsProjectMember(t.app, admin, {
      workspace: ws,
      project: 'shop',
      username: 'olga',
      role: 'operator',
    });
    const prisma = t.db.prisma;
    ids.project = (
      await prisma.project.findFirstOrThrow({ where: { slug: 'shop', workspace: { slug: ws } } })
    ).id;
    const environment = await prisma.environment.findFirstOrThrow({
      where: { name: 'prod', workspace: { slug: ws } },
    });
    ids.environment = environment.id;
    ids.workspace = environment.workspaceId;
    ids.cluster = environment.clusterId ?? '';
  });

  afterAll(async () => {
    await kube.deleteNamespace(namespace).catch(() => undefined);
    await t?.close();
  });

  it('create, update, unchanged and prune from a dry run as the deployer; a live change makes the approval stale', async () => {
    // Release 1 is live: its three ConfigMaps are in the cluster as it applied them.
    const live = [
      configMap('kept', { a: '1' }),
      configMap('changed', { b: '1' }),
      configMap('dropped', { c: '1' }),
    ];
    await release(1, 'succeeded', live);
    for (const object of live) {
      await kube.applyObject({
        ...stampLabels(object, 'shop', 1),
        metadata: { ...stampLabels(object, 'shop', 1).metadata, namespace },
      });
    }
    const waiting = await release(2, 'awaiting-approval', [
      configMap('kept', { a: '1' }),
      configMap('changed', { b: '2' }),
      configMap('added', { d: '1' }),
    ]);
    const id = waiting.approval?.id ?? '';

    const shown = await olga.request({ method: 'GET', url: `/api/v1/approvals/${id}` });
    expect(shown.statusCode, shown.body).toBe(200);
    const diff = (shown.json() as ApprovalDetail).diff;
    expect(diff?.dryRunError).toBeNull();
    expect(diff?.manifests.map((m) => [m.name, m.action, m.error])).toEqual([
      ['kept', 'unchanged', null],
      ['changed', 'update', null],
      ['added', 'create', null],
      ['dropped', 'prune', null],
    ]);
    const changed = diff?.manifests.find((m) => m.name === 'changed');
    expect(changed?.liveYaml).toContain('b: "1"');
    expect(changed?.mergedYaml).toContain('b: "2"');
    // Managed fields, resource version and uid are stripped from both sides.
    for (const yaml of [changed?.liveYaml, changed?.mergedYaml]) {
      expect(yaml).not.toMatch(/managedFields|resourceVersion|uid:|creationTimestamp/);
    }
    // The dry run changed nothing.
    expect(
      await kube.getObject({ apiVersion: 'v1', kind: 'ConfigMap', name: 'added', namespace }),
    ).toBeNull();

    // Someone edits a live object after the diff was shown: approving the old diff is refused.
    await kube.applyObject({
      ...configMap('kept', { a: 'edited by hand' }),
      metadata: { name: 'kept', namespace },
    });
    const stale = await olga.request({
      method: 'POST',
      url: `/api/v1/approvals/${id}/decisions`,
      payload: { decision: 'approve', diffHash: diff?.hash },
    });
    expect(stale.statusCode, stale.body).toBe(409);
    expect(stale.json().details).toEqual([{ field: 'diff', message: expect.any(String) }]);
    const fresh = stale.json().diff as NonNullable<ApprovalDetail['diff']>;
    expect(fresh.hash).not.toBe(diff?.hash);
    expect(fresh.manifests.find((m) => m.name === 'kept')?.action).toBe('update');

    const approved = await olga.request({
      method: 'POST',
      url: `/api/v1/approvals/${id}/decisions`,
      payload: { decision: 'approve', diffHash: fresh.hash },
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().status).toBe('approved');
    const row = await t.db.prisma.release.findUniqueOrThrow({ where: { id: waiting.id } });
    expect(row.status).toBe('queued');
  });
});
