// The Kubernetes path of job files on the real control plane. KWOK runs no containers, so
// the test takes the upload container out of the Job the engine created — its script and
// environment, the token read from the job's Secret — and runs it here with /bin/sh against
// the server: everything but the container runtime, end to end.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Run } from '@slipway/contracts';
import type { V1Container, V1Job } from '@slipway/kube';
import { adminClient, clusterSkipReason, eventually, testKubeconfig } from '@slipway/kube/testing';
import { freeLoopbackPort, postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type SignedInClient, signIn, type TestApp } from '../../../test/helper.ts';

const exec = promisify(execFile);
const SPEC = `stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3.22
        artifacts: { paths: [dist/**] }
        steps:
          - name: make
            run: mkdir -p dist && echo built > dist/app.bin
      - name: unit
        image: alpine:3.22
        reports: { junit: reports/*.xml }
        steps:
          - name: test
            run: exit 1
`;

/** A JUnit report with one failing test, as a test step would leave it. */
const FAILING_REPORT = `<?xml version="1.0"?>
<testsuite name="cart" tests="2" failures="1">
  <testcase classname="cart" name="adds an item" time="0.01"/>
  <testcase classname="cart" name="applies the discount" time="0.02">
    <failure message="expected 90, got 100">AssertionError: expected 90, got 100</failure>
  </testcase>
</testsuite>
`;

/** What the kubelet makes of a value written for it (every `$` doubled): the text as written. */
const asWritten = (value: string) => value.replace(/\$\$/g, '$');

describe.skipIf(postgresSkipReason() || clusterSkipReason())('job files on Kubernetes', () => {
  const kube = adminClient();
  const suffix = randomBytes(3).toString('hex');
  const namespaces: string[] = [];
  const apps: TestApp[] = [];

  /** A server (listening) with a workspace, a project, an environment on the cluster and the pipeline. */
  async function serverWith(ws: string, jobApiUrl: string | undefined, port: number) {
    const t = await buildTestApp(jobApiUrl ? { jobApiUrl } : {});
    apps.push(t);
    await t.app.listen({ port, host: '127.0.0.1' });
    const admin = await signIn(t.app);
    const base = `/api/v1/workspaces/${ws}/projects/api/pipelines`;
    for (const [url, payload] of [
      ['/api/v1/clusters', { name: `c-${ws}`, kubeconfig: testKubeconfig() }],
      ['/api/v1/workspaces', { slug: ws, name: ws }],
      [
        `/api/v1/workspaces/${ws}/projects`,
        { slug: 'api', name: 'api', repoUrl: 'https://git.example.com/a.git' },
      ],
      [`/api/v1/workspaces/${ws}/environments`, { name: 'dev', cluster: `c-${ws}` }],
      [base, { name: 'ci', spec: SPEC }],
    ] as const) {
      const response = await admin.request({ method: 'POST', url, payload });
      expect(response.statusCode, `${url}: ${response.body}`).toBe(201);
    }
    namespaces.push(`${ws}-dev`);
    t.engine.start();
    const created = await admin.request({
      method: 'POST',
      url: `${base}/ci/runs`,
      payload: { releaseType: 'default', environment: 'dev' },
    });
    expect(created.statusCode, created.body).toBe(201);
    return { t, admin, base, run: created.json() as Run };
  }

  afterAll(async () => {
    for (const t of apps) await t.close();
    for (const namespace of namespaces) await kube.deleteNamespace(namespace).catch(() => undefined);
  });

  describe('with SLIPWAY_JOB_API_URL', () => {
    let admin: SignedInClient;
    let base: string;
    let run: Run;
    let job: V1Job;
    let url: string;
    const ws = `files-${suffix}`;

    beforeAll(async () => {
      const port = await freeLoopbackPort();
      url = `http://127.0.0.1:${port}`;
      ({ admin, base, run } = await serverWith(ws, url, port));
      job = await eventually('the Job', async () => {
        const [found] = await kube.listJobs(`${ws}-dev`, 'slipway.dev/job=compile');
        return found;
      });
    });

    it('creates the Job with the upload step as an init container and the token in its Secret only', async () => {
      const init = job.spec?.template.spec?.initContainers ?? [];
      expect(init.map((c) => [c.name, c.image])).toEqual([
        ['s0-checkout', 'alpine/git:2.49.1'],
        ['s1-make', 'alpine:3.22'],
        ['s2-upload', 'curlimages/curl:8.17.0'],
      ]);
      const upload = init[2] as V1Container;
      expect(upload.env).toContainEqual({ name: 'SLIPWAY_API_URL', value: url });
      const tokenRef = upload.env?.find((e) => e.name === 'SLIPWAY_JOB_TOKEN')?.valueFrom?.secretKeyRef;
      expect(tokenRef?.key).toBe('slipway-job-token');
      const secret = await kube.getSecret(`${ws}-dev`, tokenRef?.name ?? '');
      const token = Buffer.from(secret?.data?.['slipway-job-token'] ?? '', 'base64').toString();
      const attempt = await apps[0]?.db.prisma.jobRun.findFirst({ where: { name: 'compile' } });
      expect(token.startsWith(`${attempt?.id}.`)).toBe(true);
      expect(JSON.stringify(job)).not.toContain(token);
      expect(init[1]?.env?.map((e) => e.name)).not.toContain('SLIPWAY_JOB_TOKEN');
    });

    /** A container's environment as the kubelet gives it: values as written, Secret keys read. */
    async function envOf(container: V1Container) {
      const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
      for (const entry of container.env ?? []) {
        const ref = entry.valueFrom?.secretKeyRef;
        if (ref) {
          const secret = await kube.getSecret(`${ws}-dev`, ref.name ?? '');
          env[entry.name] = Buffer.from(secret?.data?.[ref.key] ?? '', 'base64').toString();
        } else env[entry.name] = asWritten(entry.value ?? '');
      }
      return env;
    }

    it('runs the upload container’s script here against the server: the artifacts arrive', async () => {
      const upload = job.spec?.template.spec?.initContainers?.find((c) => c.name === 's2-upload');
      if (!upload?.command) throw new Error('no upload container');
      const env = await envOf(upload);
      const workspace = await mkdtemp(path.join(os.tmpdir(), 'slipway-kube-upload-'));
      try {
        await mkdir(path.join(workspace, 'dist'));
        await writeFile(path.join(workspace, 'dist/app.bin'), 'built on "Kubernetes"');
        const [shell, flags, script] = upload.command;
        const { stdout } = await exec(shell as string, [flags as string, asWritten(script as string)], {
          cwd: workspace,
          env,
        });
        expect(stdout).toContain('kept 1 files');
      } finally {
        await rm(workspace, { recursive: true, force: true });
      }
      const listed = await admin.request({ method: 'GET', url: `${base}/ci/runs/${run.number}/artifacts` });
      expect((listed.json() as { items: unknown[] }).items).toEqual([
        expect.objectContaining({ job: 'compile', path: 'dist/app.bin', size: 21 }),
      ]);
    });

    it('uploads the reports of a failed test step from the reports sidecar when the pod ends', async () => {
      const unit = await eventually('the unit Job', async () => {
        const [found] = await kube.listJobs(`${ws}-dev`, 'slipway.dev/job=unit');
        return found;
      });
      // The API server accepted the native sidecar (restartPolicy Always), first in the pod.
      const init = unit.spec?.template.spec?.initContainers ?? [];
      expect(init.map((c) => [c.name, c.restartPolicy ?? 'step'])).toEqual([
        ['reports-on-failure', 'Always'],
        ['s0-checkout', 'step'],
        ['s1-test', 'step'],
        ['s2-upload', 'step'],
      ]);
      const sidecar = init[0] as V1Container;
      const [shell, flags, script] = sidecar.command ?? [];
      const workspace = await mkdtemp(path.join(os.tmpdir(), 'slipway-kube-sidecar-'));
      try {
        const child = spawn(shell as string, [flags as string, asWritten(script as string)], {
          cwd: workspace,
          env: await envOf(sidecar),
        });
        let output = '';
        const standingBy = new Promise<void>((resolve) => {
          const collect = (chunk: Buffer) => {
            output += chunk.toString();
            if (output.includes('standing by')) resolve();
          };
          child.stdout.on('data', collect);
          child.stderr.on('data', collect);
        });
        const exited = once(child, 'exit');
        await standingBy;
        // The test step writes its report and exits 1; the kubelet then stops the sidecar.
        await mkdir(path.join(workspace, 'reports'));
        await writeFile(path.join(workspace, 'reports/junit.xml'), FAILING_REPORT);
        child.kill('SIGTERM');
        const [code] = await exited;
        expect(code, output).toBe(0);
        expect(output).toContain('uploading the test reports');
      } finally {
        await rm(workspace, { recursive: true, force: true });
      }
      const tests = await admin.request({ method: 'GET', url: `${base}/ci/runs/${run.number}/tests` });
      expect(tests.statusCode, tests.body).toBe(200);
      expect(tests.json()).toMatchObject({ total: 2, passed: 1, failed: 1 });
      expect((tests.json() as { cases: unknown[] }).cases).toContainEqual(
        expect.objectContaining({
          job: 'unit',
          name: 'applies the discount',
          status: 'failed',
          message: 'expected 90, got 100',
        }),
      );
    });
  });

  it('fails a run whose Kubernetes job needs the API when SLIPWAY_JOB_API_URL is not set', async () => {
    const { admin, base, run } = await serverWith(`nourl-${suffix}`, undefined, 0);
    const failed = await eventually('the run to fail', async () => {
      const current = (
        await admin.request({ method: 'GET', url: `${base}/ci/runs/${run.number}` })
      ).json() as Run;
      return current.status === 'failed' ? current : undefined;
    });
    expect(failed.message).toContain('set SLIPWAY_JOB_API_URL');
    // The jobs that could not go out are what failed, with the reason (not skipped, silent).
    for (const name of ['compile', 'unit']) {
      expect(failed.jobs.find((j) => j.name === name)).toMatchObject({
        status: 'failed',
        message: expect.stringContaining('set SLIPWAY_JOB_API_URL'),
      });
    }
    expect(await kube.listJobs(`nourl-${suffix}-dev`, 'slipway.dev/job=compile')).toEqual([]);
  });
});
