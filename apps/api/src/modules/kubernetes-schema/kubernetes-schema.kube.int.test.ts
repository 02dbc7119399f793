import { randomBytes } from 'node:crypto';
import { brotliDecompressSync } from 'node:zlib';
import {
  adminClient,
  clusterSkipReason,
  deleteClusterScoped,
  eventually,
  testKubeconfig,
  unreachableKubeconfig,
} from '@slipway/kube/testing';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type SignedInClient, signIn, type TestApp } from '../../../test/helper.ts';

type Schema = { anyOf: Array<{ properties: Record<string, { enum?: string[] }> }>; definitions: object };

function kindsOf(schema: Schema): string[] {
  return schema.anyOf.map((b) => `${b.properties.apiVersion?.enum?.[0]} ${b.properties.kind?.enum?.[0]}`);
}

describe.skipIf(postgresSkipReason() || clusterSkipReason())('Kubernetes schemas for editors', () => {
  let t: TestApp;
  let client: SignedInClient;
  const kube = adminClient();
  const suffix = randomBytes(3).toString('hex');
  const ws = `schema-${suffix}`;
  const group = `slipway-test-${suffix}.example.com`;
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    name: `gadgets.${group}`,
  };
  const url = `/api/v1/workspaces/${ws}/environments/dev/kubernetes-schema`;

  beforeAll(async () => {
    t = await buildTestApp();
    client = await signIn(t.app);
    await client.request({
      method: 'POST',
      url: '/api/v1/clusters',
      payload: { name: 'local', kubeconfig: testKubeconfig() },
    });
    await client.request({ method: 'POST', url: '/api/v1/workspaces', payload: { slug: ws, name: ws } });
    for (const payload of [{ name: 'dev', cluster: 'local' }, { name: 'laptop' }]) {
      const created = await client.request({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}/environments`,
        payload,
      });
      expect(created.statusCode, created.body).toBe(201);
    }
  });
  afterAll(async () => {
    await deleteClusterScoped(kube, crd);
    await kube.deleteNamespace(`${ws}-dev`).catch(() => undefined);
    await t?.close();
  });

  it("answers the environment's cluster schema, cached by ETag for 5 minutes, compressed", async () => {
    const response = await client.request({ method: 'GET', url, headers: { 'accept-encoding': 'br' } });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('private, max-age=300');
    expect(response.headers['content-encoding']).toBe('br');
    const etag = response.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const schema = JSON.parse(brotliDecompressSync(response.rawPayload).toString()) as Schema;
    expect(kindsOf(schema)).toEqual(
      expect.arrayContaining([
        'apps/v1 Deployment',
        'v1 Service',
        'networking.k8s.io/v1 Ingress',
        'v1 ConfigMap',
      ]),
    );
    expect(kindsOf(schema)).not.toContain('v1 DeleteOptions');
    expect(kindsOf(schema)).not.toContain(`${group}/v1 Gadget`);

    const again = await client.request({ method: 'GET', url, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('knows a CustomResourceDefinition installed in the cluster', async () => {
    await kube.applyObject({
      apiVersion: crd.apiVersion,
      kind: crd.kind,
      metadata: { name: crd.name },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                description: 'A gadget of the test.',
                properties: {
                  spec: {
                    type: 'object',
                    properties: { color: { type: 'string', description: 'Its color.' } },
                  },
                },
              },
            },
          },
        ],
      },
    });
    const schema = await eventually('the CRD in the schema', async () => {
      const response = await client.request({ method: 'GET', url });
      const body = response.json() as Schema;
      return kindsOf(body).includes(`${group}/v1 Gadget`) ? body : undefined;
    });
    const gadget = schema.anyOf.find((b) => b.properties.kind?.enum?.[0] === 'Gadget') as {
      description?: string;
      properties: Record<string, { properties?: Record<string, { description?: string }> }>;
    };
    expect(gadget.description).toBe('A gadget of the test.');
    expect(gadget.properties.spec?.properties?.color?.description).toBe('Its color.');
  });

  it('is 409 for an environment without a cluster and 404 for an unknown one', async () => {
    const laptop = await client.request({
      method: 'GET',
      url: `/api/v1/workspaces/${ws}/environments/laptop/kubernetes-schema`,
    });
    expect(laptop.statusCode).toBe(409);
    expect(laptop.json().message).toMatch(/environment "laptop" has no cluster/);
    const unknown = await client.request({
      method: 'GET',
      url: `/api/v1/workspaces/${ws}/environments/nope/kubernetes-schema`,
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('serves the built-in schema of the core kinds', async () => {
    const response = await client.request({ method: 'GET', url: '/api/v1/kubernetes-schema' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('private, max-age=300');
    expect(kindsOf(response.json())).toContain('apps/v1 Deployment');
    const again = await client.request({
      method: 'GET',
      url: '/api/v1/kubernetes-schema',
      headers: { 'if-none-match': response.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
  });

  it('is 502 with the reason when the cluster does not answer', async () => {
    const moved = await client.request({
      method: 'PATCH',
      url: '/api/v1/clusters/local',
      payload: { kubeconfig: await unreachableKubeconfig() },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const response = await client.request({ method: 'GET', url });
    expect(response.statusCode).toBe(502);
    expect(response.json().message).toMatch(
      /^cluster "local": cannot reach the cluster at https:\/\/127\.0\.0\.1:\d+/,
    );
  });
});
