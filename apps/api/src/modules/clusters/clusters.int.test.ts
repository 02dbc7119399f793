// Registering a cluster validates its kubeconfig's API server address, so a cluster that can
// never be reached is refused at the POST (found by the fuzz tier, #17: a kubeconfig whose
// server was "0" was accepted, and creating an environment on it answered 502 "the cluster
// at https://undefined:undefined …").
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type SignedInClient, signIn, type TestApp } from '../../../test/helper.ts';

const kubeconfigWithServer = (server: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server } }],
    users: [{ name: 'u', user: { token: 'x' } }],
    contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'c',
  });

describe.skipIf(postgresSkipReason())('cluster kubeconfig validation', () => {
  let t: TestApp;
  let admin: SignedInClient;
  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
  });
  afterAll(() => t?.close());

  it.each(['0', 'kube.example:6443', 'ftp://kube.example', 'https://', 'https://kube.example/?q'])(
    'refuses a kubeconfig whose server is %j with a 400 naming body.kubeconfig',
    async (server) => {
      const response = await admin.request({
        method: 'POST',
        url: '/api/v1/clusters',
        payload: { name: 'broken', kubeconfig: kubeconfigWithServer(server) },
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().details).toEqual([
        { field: 'body.kubeconfig', message: expect.stringContaining('https://') },
      ]);
      const list = await admin.request({ method: 'GET', url: '/api/v1/clusters' });
      expect(list.json().items).toEqual([]);
    },
  );

  it('refuses the same on an update, and keeps a valid https server', async () => {
    const created = await admin.request({
      method: 'POST',
      url: '/api/v1/clusters',
      payload: { name: 'good', kubeconfig: kubeconfigWithServer('https://127.0.0.1:6443') },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().server).toBe('https://127.0.0.1:6443');
    const updated = await admin.request({
      method: 'PATCH',
      url: '/api/v1/clusters/good',
      payload: { kubeconfig: kubeconfigWithServer('0') },
    });
    expect(updated.statusCode, updated.body).toBe(400);
    const kept = await admin.request({ method: 'GET', url: '/api/v1/clusters/good' });
    expect(kept.json().server).toBe('https://127.0.0.1:6443');
  });
});
