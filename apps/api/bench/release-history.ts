// Benchmark: the release history of a project with 10,000 releases (each with its rendered
// objects and a config version, as real deploys leave them), read as the console reads it:
// the newest page, pages deep in the history by cursor, one environment's history, and one
// release. Latency is measured one request at a time over loopback HTTP (a person paging,
// not a load test), against the signed-in project list measured in the same run.
// Usage: node --import tsx apps/api/bench/release-history.ts [releases=10000] [requests=300]
import { percentile, reportFigure, startBenchApp, summary } from './harness.ts';

const RELEASES = Number(process.argv[2] ?? 10_000);
const REQUESTS = Number(process.argv[3] ?? 300);

/** What a deploy of a Deployment + Service stores as its rendered objects. */
const OBJECTS = JSON.stringify([
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'registry.example.com/shop/web:1',
              ports: [{ containerPort: 8080 }],
              volumeMounts: [{ name: 'config', mountPath: '/etc/web' }],
            },
          ],
          volumes: [{ name: 'config', configMap: { name: 'web-config-v1' } }],
        },
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
  },
]);

async function timed(
  request: () => Promise<{ statusCode: number; body: string }>,
): Promise<{ ms: number; body: string }> {
  const at = performance.now();
  const response = await request();
  const ms = performance.now() - at;
  if (response.statusCode !== 200) throw new Error(`${response.statusCode} ${response.body}`);
  return { ms, body: response.body };
}

async function main() {
  const bench = await startBenchApp();
  const post = async (url: string, payload: object) => {
    const response = await bench.admin.request({ method: 'POST', url, payload });
    if (response.statusCode !== 201) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
  };
  await post('/api/v1/workspaces', { slug: 'shop', name: 'Shop' });
  await post('/api/v1/workspaces/shop/projects', { slug: 'web', name: 'web' });
  for (const name of ['staging', 'production']) await post('/api/v1/workspaces/shop/environments', { name });
  const project = '/api/v1/workspaces/shop/projects/web';
  await post(`${project}/config-sets`, { name: 'web-config' });
  await post(`${project}/config-sets/web-config/environments/staging/versions`, {
    data: { 'app.yml': 'a: 1\n' },
  });

  // Seeded in one statement each: what 10,000 deploys would have left behind.
  const seedAt = performance.now();
  const [ids] = await bench.db.sql<{
    project_id: string;
    staging: string;
    production: string;
    config: string;
  }>(
    `SELECT p.id AS project_id,
            (SELECT id FROM environments WHERE name = 'staging') AS staging,
            (SELECT id FROM environments WHERE name = 'production') AS production,
            (SELECT id FROM config_versions LIMIT 1) AS config
       FROM projects p WHERE p.slug = 'web'`,
    [],
  );
  if (!ids) throw new Error('project not found');
  await bench.db.sql(
    `INSERT INTO releases (id, project_id, number, environment_id, environment_name, namespace, status, phase,
                           image, manifest_set_name, manifest_version, objects, created_by_name, created_at,
                           started_at, finished_at)
     SELECT gen_random_uuid(), $1, n, CASE WHEN n % 3 = 0 THEN $3::uuid ELSE $2::uuid END,
            CASE WHEN n % 3 = 0 THEN 'production' ELSE 'staging' END,
            CASE WHEN n % 3 = 0 THEN 'shop-production' ELSE 'shop-staging' END,
            CASE WHEN n = $4 THEN 'succeeded' ELSE 'superseded' END, 'done',
            'registry.example.com/shop/web:' || n, 'web', 1 + n / 10, $5::jsonb, 'admin',
            now() - make_interval(mins => $4 - n), now() - make_interval(mins => $4 - n),
            now() - make_interval(mins => $4 - n)
       FROM generate_series(1, $4::int) AS n`,
    [ids.project_id, ids.staging, ids.production, RELEASES, OBJECTS],
  );
  await bench.db.sql(
    `INSERT INTO release_configs (release_id, config_version_id, name, version, config_map_name)
     SELECT id, $2, 'web-config', 1, 'web-config-v1' FROM releases WHERE project_id = $1`,
    [ids.project_id, ids.config],
  );
  await bench.db.sql('UPDATE projects SET release_counter = $2 WHERE id = $1', [ids.project_id, RELEASES]);
  await bench.db.sql('ANALYZE releases', []);
  await bench.db.sql('ANALYZE release_configs', []);
  console.log(`seeded ${RELEASES} releases in ${((performance.now() - seedAt) / 1000).toFixed(1)} s`);

  const address = await bench.app.listen({ port: 0, host: '127.0.0.1' });
  const get = (url: string) =>
    timed(async () => {
      const response = await fetch(`${address}${url}`, { headers: { cookie: bench.admin.cookie } });
      return { statusCode: response.status, body: await response.text() };
    });

  // Cursors of pages deep in the history, found by paging once.
  const cursors: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 40; page++) {
    const { body } = await get(
      `${project}/releases?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    cursor = (JSON.parse(body) as { nextCursor: string | null }).nextCursor;
    if (!cursor) break;
    cursors.push(cursor);
  }

  const newest: number[] = [];
  const deep: number[] = [];
  const environment: number[] = [];
  const single: number[] = [];
  const projects: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    newest.push((await get(`${project}/releases?limit=50`)).ms);
    const deepCursor = cursors[i % Math.max(1, cursors.length)];
    deep.push(
      (
        await get(
          `${project}/releases?limit=50${deepCursor ? `&cursor=${encodeURIComponent(deepCursor)}` : ''}`,
        )
      ).ms,
    );
    environment.push((await get('/api/v1/workspaces/shop/environments/production/releases?limit=50')).ms);
    single.push((await get(`${project}/releases/${1 + ((i * 7919) % RELEASES)}`)).ms);
    projects.push((await get('/api/v1/workspaces/shop/projects')).ms);
  }
  console.log(summary('newest page of 50 (project history)', newest));
  console.log(summary('a page deep in the history (cursor)', deep));
  console.log(summary("an environment's history, newest page", environment));
  console.log(summary('one release', single));
  console.log(summary('reference: the signed-in project list', projects));
  const reference = `signed-in project list p50 ${percentile(projects, 50).toFixed(1)} ms, p99 ${percentile(projects, 99).toFixed(1)} ms, same run`;
  for (const [name, values] of [
    ['release history of 10,000 releases, newest page', newest],
    ['release history of 10,000 releases, deep page', deep],
  ] as const) {
    reportFigure({
      figure: `${name}, p50`,
      value: percentile(values, 50),
      unit: 'ms',
      goal: 'reported',
      reference,
    });
    reportFigure({
      figure: `${name}, p99 ÷ project list p99`,
      value: percentile(values, 99) / percentile(projects, 99),
      unit: '×',
      goal: '≤ 3× the project list',
      limit: 3,
      reference,
    });
  }
  await bench.close();
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
