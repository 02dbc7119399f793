import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CoreV1Api, KubernetesObjectApi } from '@kubernetes/client-node';
import { createKubeClient, type KubeClient, type KubeClientOptions } from '../src/index.ts';

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

export function adminClient(options: KubeClientOptions = {}): KubeClient {
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

/** The admin kubeconfig, but pointing at a local port nothing listens on (a cluster that is down). */
export async function unreachableKubeconfig(): Promise<string> {
  const net = await import('node:net');
  const port = await new Promise<number>((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as import('node:net').AddressInfo;
      server.close(() => resolve(free));
    });
  });
  return testKubeconfig().replace(/server: https:\/\/127\.0\.0\.1:\d+/, `server: https://127.0.0.1:${port}`);
}

/**
 * A kubeconfig (JSON text) that acts as service account `namespace/name` of the test cluster,
 * with a fresh bound token (TokenRequest API, 10 minutes). The account must exist.
 */
export async function serviceAccountKubeconfig(client: KubeClient, namespace: string, name: string) {
  const core = client.kubeConfig.makeApiClient(CoreV1Api);
  const token = await eventually('a service account token', async () =>
    core
      .createNamespacedServiceAccountToken({
        namespace,
        name,
        body: { spec: { audiences: [], expirationSeconds: 600 } },
      })
      .then(
        (r) => r.status?.token,
        () => undefined,
      ),
  );
  const cluster = client.kubeConfig.getCurrentCluster();
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'c', cluster: { server: cluster?.server, 'certificate-authority-data': cluster?.caData } },
    ],
    users: [{ name: 'u', user: { token } }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'ctx',
  });
}

/** Deletes a cluster-scoped object of a test (ClusterRole, CustomResourceDefinition…); one already gone is fine. */
export async function deleteClusterScoped(
  client: KubeClient,
  ref: { apiVersion: string; kind: string; name: string },
): Promise<void> {
  const objects = KubernetesObjectApi.makeApiClient(client.kubeConfig);
  await objects
    .delete({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name } })
    .catch(() => undefined);
}

/** Polls until `check` returns a value (not undefined), or fails with the last state seen. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 90_000,
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

// Not KWOK: a new KWOK instance must wait for the old one's node lease (40 s) to expire.
const CONTROL_PLANE_CLIENTS = ['kube-controller-manager', 'kube-scheduler'] as const;

function processGone(pid: number): boolean {
  // Gone, or a zombie nobody has reaped yet (state Z in /proc/<pid>/stat).
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] === 'Z';
  } catch {
    return true;
  }
}

/** Stops one component started by up.sh and starts it again with the same command line. */
async function restartComponent(stateDir: string, component: string): Promise<void> {
  const { spawn } = await import('node:child_process');
  const { openSync, writeFileSync } = await import('node:fs');
  const path = await import('node:path');
  const pidFile = path.join(stateDir, 'run', `${component}.pid`);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const [binary, ...args] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  if (!binary) throw new Error(`cannot read the command line of ${component} (pid ${pid})`);
  // Graceful shutdown can wait on open watches for a long time; after a short grace
  // period the process is killed, which clients must survive just the same.
  process.kill(pid, 'SIGTERM');
  const killTimer = setTimeout(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5_000);
  await eventually(`${component} to stop`, async () => (processGone(pid) ? true : undefined), 30_000);
  clearTimeout(killTimer);
  const log = openSync(path.join(stateDir, 'logs', `${component}.log`), 'a');
  // detached: a session of its own, like up.sh's `setsid` (which would fork here and
  // leave the pid file pointing at the wrong process).
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  writeFileSync(pidFile, `${child.pid}\n`);
}

/**
 * Restarts the test cluster's kube-apiserver with the same command line (etcd keeps the
 * data), the way an upgrade or crash looks to a client. The controller-manager and
 * scheduler are restarted after it, so their reconnect back-off cannot slow later tests.
 */
export async function restartApiServer(): Promise<void> {
  const path = await import('node:path');
  const kubeconfigFile = process.env[TEST_KUBECONFIG_ENV];
  if (!kubeconfigFile) throw new Error(`${TEST_KUBECONFIG_ENV} is not set`);
  const stateDir = path.dirname(kubeconfigFile);
  await restartComponent(stateDir, 'kube-apiserver');
  const client = adminClient({ timeoutMs: 2_000 });
  await eventually('kube-apiserver to serve again', () => client.serverVersion().then(() => true), 60_000);
  for (const component of CONTROL_PLANE_CLIENTS) await restartComponent(stateDir, component);
}

function clusterEnv(): Record<string, string> {
  const kubeconfigFile = process.env[TEST_KUBECONFIG_ENV];
  if (!kubeconfigFile) throw new Error(`${TEST_KUBECONFIG_ENV} is not set`);
  const text = readFileSync(`${kubeconfigFile.replace(/[^/]+$/, '')}cluster.env`, 'utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/**
 * Compacts etcd's history up to now (through etcd's JSON gateway), as kube-apiserver does
 * every few minutes: afterwards, resuming a watch from an older resourceVersion gets 410 Gone.
 */
export async function compactEtcdHistory(): Promise<void> {
  const endpoint = clusterEnv().ETCD_ENDPOINT;
  if (!endpoint) throw new Error('cluster.env has no ETCD_ENDPOINT (restart the test cluster)');
  const range = await fetch(`${endpoint}/v3/kv/range`, {
    method: 'POST',
    body: JSON.stringify({ key: Buffer.from('/').toString('base64') }),
  });
  const revision = ((await range.json()) as { header: { revision: string } }).header.revision;
  const compact = await fetch(`${endpoint}/v3/kv/compaction`, {
    method: 'POST',
    body: JSON.stringify({ revision, physical: true }),
  });
  if (!compact.ok) throw new Error(`etcd compaction failed: ${compact.status} ${await compact.text()}`);
}

/** The API server's own `/metrics` (Prometheus text). */
export async function apiServerMetrics(client: KubeClient): Promise<string> {
  const https = await import('node:https');
  const options: import('node:https').RequestOptions = {};
  await client.kubeConfig.applyToHTTPSOptions(options);
  const url = new URL('/metrics', client.server);
  return new Promise<string>((resolve, reject) => {
    const request = https.get(url, options, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        response.statusCode === 200 ? resolve(body) : reject(new Error(`/metrics: ${response.statusCode}`)),
      );
    });
    request.on('error', reject);
  });
}

/** Sums a metric's samples whose labels include every `label="value"` given, by `resource`. */
function sumByResource(text: string, metric: string, labels: Record<string, string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    if (!Object.entries(labels).every(([name, value]) => line.includes(`${name}="${value}"`))) continue;
    const resource = line.match(/[{,]resource="([^"]*)"/)?.[1] ?? '';
    counts[resource] = (counts[resource] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return counts;
}

/**
 * The watches the API server is serving now, by resource (`jobs`, `pods`…), from its own
 * `/metrics` (`apiserver_longrunning_requests{verb="WATCH"}`, summed over scopes): every
 * client's watches, so tests compare against a baseline taken before theirs start.
 */
export async function apiServerWatches(client: KubeClient): Promise<Record<string, number>> {
  return sumByResource(await apiServerMetrics(client), 'apiserver_longrunning_requests', { verb: 'WATCH' });
}

/** Requests the API server has answered so far with this verb (`GET`, `LIST`…), by resource, from every client. */
export async function apiServerRequests(client: KubeClient, verb: string): Promise<Record<string, number>> {
  return sumByResource(await apiServerMetrics(client), 'apiserver_request_total', { verb });
}
