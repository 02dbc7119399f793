// Releases written straight into the server's database, for pages that show releases when no
// cluster is at hand (the demo platform's `local` environment has none): three releases of one
// project in one environment, with config versions, objects and a deploy log, as the deploy
// engine records them. The release rows' columns are those of prisma/schema.prisma.
import pg from 'pg';

/** Where to put the releases: slugs of workspace and project, the environment's name. */
export interface ReleaseSeedTarget {
  workspace: string;
  project: string;
  environment: string;
}

/** The seeded releases' parts the tests look for. */
export const SEEDED = {
  images: [
    'registry.example.com/hello:1.0',
    'registry.example.com/hello:1.1',
    'registry.example.com/hello:1.2',
  ],
  configSet: 'app-config',
  /** Release 3's failure. */
  failure: 'Deployment hello: ProgressDeadlineExceeded: ReplicaSet "hello-7d9f" has timed out progressing.',
  secretValues: ['first-secret-value', 'second-secret-value'],
  /** The deploy approval `seedApprovalRequest` adds (release 4 waiting for it). */
  approvalId: '00000000-0000-4000-8000-000000000014',
} as const;

// Objects as the engine records them: placed in the environment's namespace.
const deployment = (namespace: string, image: string, configMap: string, replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'hello', namespace, labels: { 'app.kubernetes.io/managed-by': 'slipway' } },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'hello' } },
    template: {
      metadata: { labels: { app: 'hello' } },
      spec: {
        containers: [{ name: 'web', image, envFrom: [{ configMapRef: { name: configMap } }] }],
      },
    },
  },
});
const service = (namespace: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'hello', namespace },
  spec: { selector: { app: 'hello' }, ports: [{ port: 80, targetPort: 8080 }] },
});
const ingress = (namespace: string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'hello', namespace },
  spec: {
    rules: [
      {
        host: 'hello.example.com',
        http: {
          paths: [
            { path: '/', pathType: 'Prefix', backend: { service: { name: 'hello', port: { number: 80 } } } },
          ],
        },
      },
    ],
  },
});

/** Runs `work` in one transaction on a connection of its own to the server's database. */
async function inTransaction(databaseUrl: string, work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await work(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/**
 * Seeds releases 1 (superseded), 2 (succeeded: the live one) and 3 (failed) of `project` in
 * `environment`, config set `app-config` versions 1 and 2 (a secret key among them), and the
 * project's release counter. Release 2 changes the image, the config version and the
 * Deployment, keeps the Service and adds an Ingress.
 */
export async function seedReleases(databaseUrl: string, target: ReleaseSeedTarget): Promise<void> {
  await inTransaction(databaseUrl, async (client) => {
    const ids = await client.query<{ project: string; environment: string; namespace: string | null }>(
      `SELECT p.id AS project, e.id AS environment, e.namespace
         FROM projects p JOIN workspaces w ON w.id = p.workspace_id
         JOIN environments e ON e.workspace_id = w.id
        WHERE w.slug = $1 AND p.slug = $2 AND e.name = $3`,
      [target.workspace, target.project, target.environment],
    );
    const row = ids.rows[0];
    if (!row) throw new Error(`no project ${target.project} or environment ${target.environment}`);
    const set = await client.query<{ id: string }>(
      `INSERT INTO config_sets (id, project_id, name, updated_at) VALUES (gen_random_uuid(), $1, $2, now()) RETURNING id`,
      [row.project, SEEDED.configSet],
    );
    const configs = [
      { GREETING: 'hello', LOG_LEVEL: 'info', DB_PASSWORD: SEEDED.secretValues[0] },
      {
        GREETING: 'hello again',
        LOG_LEVEL: 'info',
        DB_PASSWORD: SEEDED.secretValues[1],
        FEATURE_FLAGS: 'beta',
      },
    ];
    const versionIds: string[] = [];
    for (const [index, data] of configs.entries()) {
      const version = await client.query<{ id: string }>(
        `INSERT INTO config_versions (id, config_set_id, environment_id, version, data, author_name)
         VALUES (gen_random_uuid(), $1, $2, $3, $4, 'admin') RETURNING id`,
        [set.rows[0]?.id, row.environment, index + 1, JSON.stringify(data)],
      );
      versionIds.push(version.rows[0]?.id ?? '');
    }
    const namespace = row.namespace ?? target.environment;
    const releases = [
      {
        status: 'superseded',
        config: 1,
        objects: [deployment(namespace, SEEDED.images[0], 'app-config-v1', 1), service(namespace)],
        message: null,
      },
      {
        status: 'succeeded',
        config: 2,
        objects: [
          deployment(namespace, SEEDED.images[1], 'app-config-v2', 2),
          service(namespace),
          ingress(namespace),
        ],
        message: null,
      },
      {
        status: 'failed',
        config: 2,
        objects: [
          deployment(namespace, SEEDED.images[2], 'app-config-v2', 2),
          service(namespace),
          ingress(namespace),
        ],
        message: SEEDED.failure,
      },
    ];
    for (const [index, release] of releases.entries()) {
      const number = index + 1;
      const minutesAgo = 30 - number * 5;
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO releases (id, project_id, number, environment_id, environment_name, namespace, status, phase,
           message, image, manifest_set_name, manifest_version, objects, pipeline_name, run_number, commit_sha,
           created_by_name, created_at, started_at, finished_at)
         VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, 'done', $7, $8, 'web', $2, $9, 'ci', $2, $10, 'admin',
           now() - make_interval(mins => $11), now() - make_interval(mins => $11), now() - make_interval(mins => $11 - 1))
         RETURNING id`,
        [
          row.project,
          number,
          row.environment,
          target.environment,
          namespace,
          release.status,
          release.message,
          SEEDED.images[index],
          JSON.stringify(release.objects),
          `${String(number).repeat(7)}${'0'.repeat(33)}`,
          minutesAgo,
        ],
      );
      const releaseId = inserted.rows[0]?.id;
      await client.query(
        `INSERT INTO release_configs (release_id, config_version_id, name, version, config_map_name)
         VALUES ($1, $2, $3, $4, $5)`,
        [
          releaseId,
          versionIds[release.config - 1],
          SEEDED.configSet,
          release.config,
          `${SEEDED.configSet}-v${release.config}`,
        ],
      );
      const lines = [
        `created ConfigMap ${SEEDED.configSet}-v${release.config}`,
        ...release.objects.map((object) => `applied ${object.kind} ${object.metadata.name}`),
        release.status === 'failed' ? SEEDED.failure : 'Deployment hello: successfully rolled out',
      ];
      for (const [seq, text] of lines.entries()) {
        await client.query('INSERT INTO release_log_lines (release_id, seq, text) VALUES ($1, $2, $3)', [
          releaseId,
          seq + 1,
          text,
        ]);
      }
    }
    await client.query('UPDATE projects SET release_counter = $2 WHERE id = $1', [
      row.project,
      releases.length,
    ]);
  });
}

/**
 * After `seedReleases`: release 4 of `project` (image `hello:1.3`, config version 2) waiting
 * for one operator's approval, as the deploy executor records one under the environment's
 * policy — the deploy approval row `SEEDED.approvalId`, pending for a day. Its request page
 * compares it with release 2 (the live one); an environment without a cluster gives the
 * stored objects' diff.
 */
export async function seedApprovalRequest(databaseUrl: string, target: ReleaseSeedTarget): Promise<void> {
  await inTransaction(databaseUrl, async (client) => {
    const live = await client.query<{
      id: string;
      project_id: string;
      environment_id: string;
      namespace: string;
      workspace_id: string;
      objects: Array<{ spec?: { template?: { spec?: { containers?: Array<{ image: string }> } } } }>;
    }>(
      `SELECT r.id, r.project_id, r.environment_id, r.namespace, p.workspace_id, r.objects
         FROM releases r JOIN projects p ON p.id = r.project_id JOIN workspaces w ON w.id = p.workspace_id
        WHERE w.slug = $1 AND p.slug = $2 AND r.environment_name = $3 AND r.number = 2`,
      [target.workspace, target.project, target.environment],
    );
    const row = live.rows[0];
    if (!row) throw new Error('seed the releases first (seedReleases)');
    const image = 'registry.example.com/hello:1.3';
    const objects = row.objects.map((object) => {
      const container = object.spec?.template?.spec?.containers?.[0];
      if (container) container.image = image;
      return object;
    });
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO releases (id, project_id, number, environment_id, environment_name, namespace, status, phase,
         image, manifest_set_name, manifest_version, objects, pipeline_name, run_number, commit_sha,
         created_by_name, hold_reason)
       VALUES (gen_random_uuid(), $1, 4, $2, $3, $4, 'awaiting-approval', 'pending', $5, 'web', 2, $6, 'ci', 4,
         $7, 'admin', $8)
       RETURNING id`,
      [
        row.project_id,
        row.environment_id,
        target.environment,
        row.namespace,
        image,
        JSON.stringify(objects),
        `4444444${'0'.repeat(33)}`,
        `waiting for 1 approval of the role operator (environment "${target.environment}" policy)`,
      ],
    );
    const releaseId = inserted.rows[0]?.id;
    await client.query(
      `INSERT INTO release_configs (release_id, config_version_id, name, version, config_map_name)
       SELECT $1, config_version_id, name, version, config_map_name FROM release_configs WHERE release_id = $2`,
      [releaseId, row.id],
    );
    await client.query(
      `INSERT INTO deploy_approvals (id, release_id, workspace_id, required, approver_role, allow_self_approval,
         expiry_minutes, status, requested_by_name, expires_at)
       VALUES ($1, $2, $3, 1, 'operator', false, 1440, 'pending', 'admin', now() + interval '1 day')`,
      [SEEDED.approvalId, releaseId, row.workspace_id],
    );
    await client.query('UPDATE projects SET release_counter = 4 WHERE id = $1', [row.project_id]);
  });
}
