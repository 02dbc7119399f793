// Vitest global setup of the cluster tier: starts the local control plane
// (packages/test-cluster/up.sh: etcd, kube-apiserver, controller-manager, scheduler, KWOK)
// once per run and hands its admin kubeconfig to the tests. A cluster that was already
// running is reused and left running; one started here is stopped afterwards.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_KUBE_SKIP_ENV, TEST_KUBECONFIG_ENV } from './cluster.ts';

const CLUSTER_DIR = fileURLToPath(new URL('../../test-cluster/', import.meta.url));

function runScript(name: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [`${CLUSTER_DIR}${name}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr += text;
      // The first build takes many minutes: show progress as it happens.
      process.stderr.write(text);
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export default async function setup(): Promise<() => Promise<void>> {
  const up = await runScript('up.sh');
  const kubeconfig = up.stdout
    .trim()
    .split('\n')
    .at(-1)
    ?.match(/^KUBECONFIG=(.+)$/)?.[1];
  if (up.code !== 0 || !kubeconfig) {
    const reason = `the local Kubernetes control plane did not start (up.sh exited ${up.code}): ${up.stderr.trim().split('\n').slice(-5).join(' | ')}`;
    if (process.env.CI === 'true') throw new Error(reason);
    process.stderr.write(`\n[cluster] skipping cluster tests: ${reason}\n\n`);
    process.env[TEST_KUBE_SKIP_ENV] = reason;
    return async () => {};
  }
  process.env[TEST_KUBECONFIG_ENV] = kubeconfig;
  const startedHere = !/already running; reusing it/.test(up.stderr);
  return async () => {
    if (startedHere) await runScript('down.sh');
  };
}
