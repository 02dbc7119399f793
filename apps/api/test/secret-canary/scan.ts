// Where the secret-canary test looks: every text column of the database (but the ones that
// hold ciphertext), every Kubernetes object of the test's namespaces but Secrets, and every
// response body a recording fetch saw.
import type { Database } from '@slipway/db';
import type { KubeClient } from '@slipway/kube';
import type { CanaryHit, CanarySet } from './canaries.ts';

/** A place a canary turned up that it should not have. */
export interface Leak extends CanaryHit {
  where: string;
}

/**
 * Columns meant to hold secrets, as `table.column`, with the reason. They are not scanned —
 * every other column of every table is, so a new column is scanned until it is listed here.
 * (Their values are AES-256-GCM ciphertext or one-way hashes: a canary would not show in
 * them anyway, but nothing here should depend on that.)
 */
export const SECRET_COLUMNS: Record<string, string> = {
  'clusters.kubeconfig_encrypted': 'the kubeconfig, encrypted with the server key (secret-box)',
  'credentials.secret_encrypted': 'the credential’s secret, encrypted with the server key',
  'webhooks.secret_encrypted': 'the webhook’s shared secret, encrypted with the server key',
  'notification_channels.secret_encrypted': 'the channel’s HMAC key, encrypted with the server key',
  'notification_channels.url_encrypted': 'the receiver URL (a Slack URL holds a token), encrypted',
  'pipeline_runs.secret_values': 'a running run’s secret parameters, encrypted; dropped when it ends',
  'users.password_hash': 'scrypt hash of the password',
  'users.invite_token_hash': 'SHA-256 of the invite token',
  'sessions.token_hash': 'SHA-256 of the session token',
  'api_tokens.token_hash': 'SHA-256 of the API token',
};

/** Column types whose values are text the scan reads (as `::text`). */
const TEXT_TYPES = ['text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED'];

/** Every `table.column` of the public schema with a text-like type (the Prisma migrations table aside). */
export async function textColumns(db: Database): Promise<string[]> {
  const rows = await db.sql<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'public' AND data_type = ANY($1) AND table_name <> '_prisma_migrations'
     ORDER BY table_name, column_name`,
    [TEXT_TYPES],
  );
  return rows.map((row) => `${row.table_name}.${row.column_name}`);
}

/** Canaries in any value of any column of the database but SECRET_COLUMNS. */
export async function scanDatabase(db: Database, canaries: CanarySet): Promise<Leak[]> {
  const leaks: Leak[] = [];
  for (const column of await textColumns(db)) {
    if (column in SECRET_COLUMNS) continue;
    const [table, name] = column.split('.') as [string, string];
    const rows = await db.sql<{ value: string }>(
      `SELECT "${name}"::text AS value FROM "${table}" WHERE "${name}" IS NOT NULL`,
      [],
    );
    for (const row of rows) {
      for (const hit of canaries.find(row.value)) leaks.push({ where: `database ${column}`, ...hit });
    }
  }
  return leaks;
}

/**
 * Canaries in the Jobs, Pods, ConfigMaps, Events and Deployments of `namespaces` (Secrets
 * are the one place a job's secrets belong, so they are not read).
 */
export async function scanCluster(
  kube: KubeClient,
  namespaces: string[],
  canaries: CanarySet,
): Promise<Leak[]> {
  const leaks: Leak[] = [];
  for (const namespace of namespaces) {
    const objects: { kind: string; metadata?: { name?: string } }[] = [
      ...(await kube.listJobs(namespace)).map((o) => ({ ...o, kind: 'Job' })),
      ...(await kube.listPods(namespace)).map((o) => ({ ...o, kind: 'Pod' })),
      ...(await kube.listConfigMaps(namespace)).map((o) => ({ ...o, kind: 'ConfigMap' })),
      ...(await kube.listEvents(namespace)).map((o) => ({ ...o, kind: 'Event' })),
      ...(await kube.listDeployments(namespace)).map((o) => ({ ...o, kind: 'Deployment' })),
    ];
    for (const object of objects) {
      for (const hit of canaries.find(JSON.stringify(object))) {
        leaks.push({ where: `${object.kind} ${namespace}/${object.metadata?.name}`, ...hit });
      }
    }
  }
  return leaks;
}

/** One HTTP exchange a recording client saw. */
export interface Exchange {
  method: string;
  url: string;
  status: number;
  body: string;
}

/**
 * A `fetch` that keeps every response body (read as text, then handed back as a new
 * Response), so a test can scan everything the server answered.
 */
export function recordingFetch(exchanges: Exchange[]): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const body = await response.text();
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    exchanges.push({ method: init?.method ?? 'GET', url, status: response.status, body });
    // 101/204/205/304 responses cannot carry a body, not even an empty one.
    const bodiless = [101, 204, 205, 304].includes(response.status);
    return new Response(bodiless ? null : body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
