import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ApprovalDetail, ApprovalItem, Release } from '@slipway/contracts';
import type { V1Deployment } from '@slipway/kube';
import { adminClient, clusterSkipReason, eventually, TEST_KUBECONFIG_ENV } from '@slipway/kube/testing';
import {
  createTestDatabase,
  freeLoopbackPort,
  postgresSkipReason,
  type ServerProcess,
  startServerProcess,
  type TestDatabase,
} from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const API_DIR = fileURLToPath(new URL('../../', import.meta.url));
const PASSWORD = 'demo-cluster-test-password';
const OPS_PASSWORD = 'second-pair-of-eyes-42';
const PROJECT = '/api/v1/workspaces/demo/projects/hello';
/** Namespaces of this test's own (the demo's defaults, demo-staging…, may be a person's demo on the same cluster). */
const PREFIX = `demo-t${randomBytes(3).toString('hex')}`;

// The newcomer's walk of the issue: the embedded demo, `./run demo:cluster`, Run with release
// type `release` to staging, see the release, change config, deploy again, roll back — on the
// real control plane, through the real server process and the script exactly as documented.
describe.skipIf(postgresSkipReason() ?? clusterSkipReason())('the demo with a cluster', () => {
  const kube = adminClient();
  let database: TestDatabase;
  let server: ServerProcess;
  let dataDir: string;
  let cookie = '';
  let csrf = '';

  async function login(username: string, password: string) {
    const response = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(response.status).toBe(200);
    return {
      cookie: response.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; '),
      csrf: ((await response.json()) as { csrfToken: string }).csrfToken,
    };
  }

  /** Calls the API as the admin, or as `session`; a non-2xx answer throws with its body. */
  async function api<T>(
    method: string,
    url: string,
    body?: unknown,
    session: { cookie: string; csrf: string } = { cookie, csrf },
  ): Promise<T> {
    const response = await fetch(`${server.baseUrl}${url}`, {
      method,
      headers: {
        cookie: session.cookie,
        'x-csrf-token': session.csrf,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async function demoCluster(): Promise<string> {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/demo-cluster.ts'],
      {
        cwd: API_DIR,
        env: {
          ...process.env,
          SLIPWAY_URL: server.baseUrl,
          SLIPWAY_ADMIN_PASSWORD: PASSWORD,
          SLIPWAY_KUBECONFIG: process.env[TEST_KUBECONFIG_ENV] ?? '',
          SLIPWAY_DEMO_NAMESPACE_PREFIX: PREFIX,
          SLIPWAY_DEMO_OPS_PASSWORD: OPS_PASSWORD,
        },
      },
    );
    return stdout;
  }

  async function runToEnd(environment: string): Promise<{ number: number; status: string }> {
    return waitForEnd(await startRun(environment));
  }

  async function startRun(environment: string): Promise<{ number: number }> {
    return api<{ number: number }>('POST', `${PROJECT}/pipelines/ci/runs`, {
      releaseType: 'release',
      environment,
    });
  }

  async function waitForEnd(run: { number: number }): Promise<{ number: number; status: string }> {
    return eventually(
      `run ${run.number} to end`,
      async () => {
        const now = await api<{ number: number; status: string }>(
          'GET',
          `${PROJECT}/pipelines/ci/runs/${run.number}`,
        );
        return ['succeeded', 'failed', 'cancelled', 'rejected'].includes(now.status) ? now : undefined;
      },
      150_000,
    );
  }

  async function deployment(): Promise<V1Deployment | null> {
    return kube.getDeployment(`${PREFIX}-staging`, 'hello');
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-demo-cluster-'));
    server = startServerProcess({
      PORT: String(await freeLoopbackPort()),
      DATABASE_URL: database.url,
      SLIPWAY_ADMIN_PASSWORD: PASSWORD,
      SLIPWAY_DEMO: 'true',
      SLIPWAY_DATA_DIR: dataDir,
      SLIPWAY_LOG_LEVEL: 'warn',
    });
    await server.waitUntilReady(150_000);
    ({ cookie, csrf } = await login('admin', PASSWORD));
    // The demo is seeded in the background after the server is ready.
    await eventually('the demo seeded', async () =>
      (await fetch(`${server.baseUrl}${PROJECT}/pipelines/ci`, { headers: { cookie } })).ok
        ? true
        : undefined,
    );
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    for (const namespace of [`${PREFIX}-staging`, `${PREFIX}-production`]) {
      await kube.deleteNamespace(namespace).catch(() => undefined);
    }
  });

  it('demo:cluster sets up staging, production, the manifest and config sets and the release type; twice changes nothing', async () => {
    const first = await demoCluster();
    expect(first).toContain('created cluster "local"');
    expect(first).toContain('config "hello-config" v1 for staging (ConfigMap hello-config-v1)');
    expect(first).toMatch(/pipeline "ci" revision 2/);
    const again = await demoCluster();
    expect(again).toContain('cluster "local" exists already');
    expect(again).toContain('pipeline "ci" deploys already');
    expect(first).toContain('created "ops" as operator of project "hello"');
    expect(again).toContain('user "ops" exists already');
    const environments = await api<{ items: Array<{ name: string; production: boolean; cluster: string }> }>(
      'GET',
      '/api/v1/workspaces/demo/environments',
    );
    expect(
      environments.items.filter((e) => e.cluster === 'local').map((e) => [e.name, e.production]),
    ).toEqual([
      ['staging', false],
      ['production', true],
    ]);
  });

  it('a newcomer deploys, changes config, deploys again and rolls back: image and ConfigMap go back together', async () => {
    const first = await runToEnd('staging');
    expect(first.status).toBe('succeeded');
    const releases = await api<{ items: Release[] }>('GET', `${PROJECT}/releases?environment=staging`);
    const release1 = releases.items[0];
    expect(release1).toMatchObject({
      status: 'succeeded',
      environment: 'staging',
      manifestSet: { name: 'hello' },
    });
    // The deploy job's step log is the release's deploy log.
    const log = await eventually('the deploy log archived as the step log', async () => {
      const response = await fetch(
        `${server.baseUrl}${PROJECT}/pipelines/ci/runs/${first.number}/jobs/hello/steps/0/log`,
        {
          headers: { cookie },
        },
      );
      const text = await response.text();
      return response.ok && text.includes('release succeeded') ? text : undefined;
    });
    expect(log).toMatch(/Deployment.*hello.*created/);
    let live = await deployment();
    expect(live?.spec?.template.spec?.containers[0]?.image).toBe(
      `registry.example.com/demo/hello:${first.number}`,
    );
    expect(live?.spec?.template.spec?.volumes?.[0]?.configMap?.name).toBe('hello-config-v1');

    await api('POST', `${PROJECT}/config-sets/hello-config/environments/staging/versions`, {
      data: { 'application.yml': 'greeting: Howdy\naudience: world\n' },
      message: 'A friendlier greeting',
    });
    const second = await runToEnd('staging');
    expect(second.status).toBe('succeeded');
    live = await deployment();
    expect(live?.spec?.template.spec?.volumes?.[0]?.configMap?.name).toBe('hello-config-v2');

    // Someone deletes the namespace: the rollback brings it back (with its deployer).
    await kube.deleteNamespace(`${PREFIX}-staging`);
    await eventually(
      'the namespace gone',
      async () => ((await kube.getNamespace(`${PREFIX}-staging`)) ? undefined : true),
      120_000,
    );
    const rollback = await api<Release>('POST', `${PROJECT}/releases/${release1?.number}/rollback`, {
      message: 'Back to Hello',
    });
    expect(rollback.rollbackOf).toBe(release1?.number);
    await eventually('the rollback to succeed', async () => {
      const now = await api<Release>('GET', `${PROJECT}/releases/${rollback.number}`);
      return now.status === 'succeeded' ? now : undefined;
    });
    live = await deployment();
    expect(live?.spec?.template.spec?.containers[0]?.image).toBe(
      `registry.example.com/demo/hello:${first.number}`,
    );
    expect(live?.spec?.template.spec?.volumes?.[0]?.configMap?.name).toBe('hello-config-v1');
  });

  it('a pipeline without any gate deploying to production waits for the environment’s approval; ops approves the diff; it deploys', async () => {
    const run = await startRun('production');
    const release = await eventually('the production release to wait for approval', async () => {
      const page = await api<{ items: Release[] }>('GET', `${PROJECT}/releases?environment=production`);
      const newest = page.items[0];
      return newest?.status === 'awaiting-approval' ? newest : undefined;
    });
    expect(release.approval).toMatchObject({ status: 'pending', required: 1, approverRole: 'operator' });
    expect(await kube.getDeployment(`${PREFIX}-production`, 'hello')).toBeNull();
    const id = release.approval?.id ?? '';
    // The admin started it: the policy wants someone else.
    await expect(api('POST', `/api/v1/approvals/${id}/decisions`, { decision: 'approve' })).rejects.toThrow(
      /403.*self-approval/,
    );

    const ops = await login('ops', OPS_PASSWORD);
    const inbox = await api<{ items: ApprovalItem[] }>('GET', '/api/v1/approvals', undefined, ops);
    expect(inbox.items.find((item) => item.id === id)).toMatchObject({
      kind: 'deploy',
      environment: 'production',
      release: release.number,
      canDecide: true,
    });
    const detail = await api<ApprovalDetail>('GET', `/api/v1/approvals/${id}`, undefined, ops);
    expect(detail.diff).toMatchObject({
      live: null,
      dryRunError: null,
      image: { from: null, to: `registry.example.com/demo/hello:${run.number}`, changed: true },
      config: [{ name: 'hello-config', fromVersion: null, toVersion: 1 }],
    });
    expect(detail.diff?.manifests.map((m) => [m.kind, m.name, m.action])).toEqual(
      expect.arrayContaining([
        ['Deployment', 'hello', 'create'],
        ['Service', 'hello', 'create'],
      ]),
    );
    const decided = await api<ApprovalDetail>(
      'POST',
      `/api/v1/approvals/${id}/decisions`,
      { decision: 'approve', comment: 'first production deploy' },
      ops,
    );
    expect(decided.status).toBe('approved');
    expect((await waitForEnd(run)).status).toBe('succeeded');
    const deployed = await api<Release>('GET', `${PROJECT}/releases/${release.number}`);
    expect(deployed.status).toBe('succeeded');
    expect(deployed.approval?.decisions).toEqual([
      expect.objectContaining({ user: 'ops', decision: 'approve', comment: 'first production deploy' }),
    ]);
    const live = await kube.getDeployment(`${PREFIX}-production`, 'hello');
    expect(live?.spec?.template.spec?.containers[0]?.image).toBe(
      `registry.example.com/demo/hello:${run.number}`,
    );
  });

  it('a production deploy ops rejects ends the run failed with who rejected and why; nothing is applied', async () => {
    const run = await startRun('production');
    const release = await eventually('the production release to wait for approval', async () => {
      const page = await api<{ items: Release[] }>('GET', `${PROJECT}/releases?environment=production`);
      const newest = page.items[0];
      return newest?.status === 'awaiting-approval' && newest.run?.number === run.number ? newest : undefined;
    });
    const ops = await login('ops', OPS_PASSWORD);
    await api(
      'POST',
      `/api/v1/approvals/${release.approval?.id}/decisions`,
      { decision: 'reject', comment: 'Not during the sale' },
      ops,
    );
    const ended = await waitForEnd(run);
    expect(ended.status).toBe('failed');
    const detail = await api<{ jobs: Array<{ name: string; status: string; message: string | null }> }>(
      'GET',
      `${PROJECT}/pipelines/ci/runs/${run.number}`,
    );
    expect(detail.jobs.find((job) => job.name === 'hello')).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('rejected by ops: Not during the sale'),
    });
    expect(await api<Release>('GET', `${PROJECT}/releases/${release.number}`)).toMatchObject({
      status: 'rejected',
      message: 'rejected by ops: Not during the sale',
    });
    const live = await kube.getDeployment(`${PREFIX}-production`, 'hello');
    expect(live?.spec?.template.spec?.containers[0]?.image).not.toBe(
      `registry.example.com/demo/hello:${run.number}`,
    );
  });
});
