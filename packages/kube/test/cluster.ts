import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createKubeClient, type KubeClient } from '../src/index.ts';

export const TEST_KUBECONFIG_ENV = 'SLIPWAY_TEST_KUBECONFIG';
export const TEST_KUBE_SKIP_ENV = 'SLIPWAY_TEST_KUBE_SKIP';

/** Why cluster tests cannot run here (outside CI only), or undefined. */
export function clusterSkipReason(): string | undefined {
  return process.env[TEST_KUBE_SKIP_ENV];
}

/** The admin kubeconfig (YAML text) of the local test cluster. */
export function testKubeconfig(): string {
  const file = process.env[TEST_KUBECONFIG_ENV];
  if (!file) throw new Error(`${TEST_KUBECONFIG_ENV} is not set: run cluster tests through ./run test:kube`);
  return readFileSync(file, 'utf8');
}

export function adminClient(options: { timeoutMs?: number } = {}): KubeClient {
  return createKubeClient({ kubeconfig: testKubeconfig() }, options);
}

/** A namespace of its own for one test file; delete it in afterAll. */
export async function createTestNamespace(client: KubeClient, prefix = 't'): Promise<string> {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  await client.apply({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'slipway.dev/test': 'true' } },
  });
  return name;
}

/** Polls until `check` returns a value (not undefined), or fails with the last state seen. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/**
 * Stops the test cluster's kube-apiserver and starts it again with the same command line
 * (etcd keeps the data), the way an API server upgrade or crash looks to a client.
 */
export async function restartApiServer(): Promise<void> {
  const { spawn } = await import('node:child_process');
  const { openSync, writeFileSync } = await import('node:fs');
  const path = await import('node:path');
  const kubeconfigFile = process.env[TEST_KUBECONFIG_ENV];
  if (!kubeconfigFile) throw new Error(`${TEST_KUBECONFIG_ENV} is not set`);
  const stateDir = path.dirname(kubeconfigFile);
  const pidFile = path.join(stateDir, 'run', 'kube-apiserver.pid');
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  const [binary, ...args] = argv;
  if (!binary) throw new Error(`cannot read the command line of kube-apiserver (pid ${pid})`);
  // kube-apiserver's graceful shutdown can wait on open watches for a long time; after a
  // short grace period it is killed, which a client must survive just the same.
  process.kill(pid, 'SIGTERM');
  const killTimer = setTimeout(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5_000);
  await eventually(
    'kube-apiserver to stop',
    async () => {
      // Gone, or a zombie nobody has reaped yet (state Z in /proc/<pid>/stat).
      try {
        const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
        return state === 'Z' ? true : undefined;
      } catch {
        return true;
      }
    },
    30_000,
  );
  clearTimeout(killTimer);
  const log = openSync(path.join(stateDir, 'logs', 'kube-apiserver.log'), 'a');
  // detached: a new session of its own, like up.sh's `setsid` (which would fork here and
  // leave the pid file pointing at the wrong process).
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  writeFileSync(pidFile, String(child.pid));
}
