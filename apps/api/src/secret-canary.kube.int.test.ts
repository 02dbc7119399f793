// Secret canaries (README "Reliability"): a unique value goes into every kind of secret the
// product holds — the admin password and users' passwords, session, API, invite and job
// tokens, every credential type (one multi-line), secret run parameters (one multi-line),
// schedule and webhook parameters, webhook secrets (GitHub and GitLab), notification
// channel secrets, the SMTP password, the OIDC client secret, kubeconfigs — then the test
// uses every feature around them on the real server process (local executor and the local
// cluster) and looks for the canaries, in every form a leak takes (test/secret-canary/
// canaries.ts), in every response body, the server's log, the step logs, the Kubernetes
// objects of the test's namespaces (Secrets aside), every database column not meant to
// hold ciphertext, and what the server sent to receivers.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { type Run, SESSION_COOKIE } from '@slipway/contracts';
import { type Database, openDatabase } from '@slipway/db';
import { adminClient, clusterSkipReason, eventually, testKubeconfig } from '@slipway/kube/testing';
import {
  createTestDatabase,
  freeLoopbackPort,
  type HttpReceiver,
  postgresSkipReason,
  type ServerProcess,
  type SmtpReceiver,
  startHttpReceiver,
  startServerProcess,
  startSmtpReceiver,
  type TestDatabase,
} from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { startProvider, throughProvider } from '../test/oidc-provider.ts';
import { canarySet, canaryValue } from '../test/secret-canary/canaries.ts';
import {
  type Exchange,
  type Leak,
  recordingFetch,
  SECRET_COLUMNS,
  scanCluster,
  scanDatabase,
  textColumns,
} from '../test/secret-canary/scan.ts';
import {
  cookieOf,
  type RecordedCall,
  recordedClient,
  signInRecorded,
} from '../test/secret-canary/session.ts';

const TERMINAL = ['succeeded', 'failed', 'cancelled', 'rejected'];

/** Every secret of the run on the page: two secret parameters and the three credentials, raw. */
const SPEC = `parameters:
  - name: token
    type: secret
  - name: key
    type: secret
stages:
  - name: s
    jobs:
      - name: echo
        image: alpine:3.22
        credentials: [git-cred, registry-cred, token-cred]
        artifacts: { paths: [out/**] }
        steps:
          - name: leak
            run: |
              echo "param token \${{ params.token }}"
              printf '%s\\n' "\${{ params.key }}"
              printf 'git %s\\n' "$SLIPWAY_CREDENTIAL_GIT_CRED_SECRET"
              printf 'registry %s\\n' "$SLIPWAY_CREDENTIAL_REGISTRY_CRED_SECRET"
              printf 'token %s\\n' "$SLIPWAY_CREDENTIAL_TOKEN_CRED_SECRET"
              mkdir -p out && echo done > out/done.txt
`;

/** Responses that carry a secret by design (shown once to whoever made it), with the kinds they may hold. */
const SHOWN_ONCE: { method: string; path: RegExp; kinds: string[]; why: string }[] = [
  {
    method: 'POST',
    path: /\/api\/v1\/me\/tokens$/,
    kinds: ['API token'],
    why: 'the created API token is shown once',
  },
  {
    method: 'POST',
    path: /\/api\/v1\/users$/,
    kinds: ['invite token'],
    why: 'the invite link of a user created without a password is shown once',
  },
  {
    method: 'POST',
    path: /\/webhooks$/,
    kinds: ['webhook secret github', 'webhook secret gitlab', 'webhook secret generated'],
    why: 'the created webhook’s secret is shown once',
  },
];

describe.skipIf(postgresSkipReason() || clusterSkipReason())('secret canaries', () => {
  const kube = adminClient();
  const canaries = canarySet();
  const exchanges: Exchange[] = [];
  const suffix = randomBytes(3).toString('hex');
  const ws = `canary-${suffix}`;
  const namespace = `${ws}-kube`;
  const project = `/api/v1/workspaces/${ws}/projects/app`;
  const pipelines = `${project}/pipelines`;
  const stepLogs: string[] = [];
  let database: TestDatabase;
  let db: Database;
  let server: ServerProcess;
  let receiver: HttpReceiver;
  let smtp: SmtpReceiver;
  let call: RecordedCall;
  let oidc: { issuer: string; server: Server } | undefined;

  /** A call that must answer `status`. */
  async function must(status: number, method: string, url: string, body?: unknown) {
    const response = await call(method, url, body);
    expect(response.status, `${method} ${url}: ${response.text}`).toBe(status);
    return response.body as Record<string, unknown>;
  }

  async function finished(pipeline: string, number: number): Promise<Run> {
    return eventually(
      `run ${pipeline}#${number} to end with its logs archived`,
      async () => {
        const run = (await call('GET', `${pipelines}/${pipeline}/runs/${number}`)).body as Run;
        if (!TERMINAL.includes(run.status)) return undefined;
        const open = await db.prisma.stepRun.count({
          where: { jobRun: { run: { number, pipeline: { name: pipeline } } }, logComplete: false },
        });
        return open === 0 ? run : undefined;
      },
      120_000,
    );
  }

  async function stepLog(pipeline: string, number: number): Promise<string> {
    const page = (await call('GET', `${pipelines}/${pipeline}/runs/${number}/jobs/echo/steps/leak/log`))
      .body as { lines: { text: string }[] };
    const text = page.lines.map((line) => line.text).join('\n');
    stepLogs.push(text);
    return text;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' });
    receiver = await startHttpReceiver();
    smtp = await startSmtpReceiver();

    // Secrets of the configuration.
    const adminPassword = canaries.add('admin password', canaryValue('admin password'));
    const smtpPassword = canaries.add('SMTP password', canaryValue('smtp password'));
    const oidcSecret = canaries.add('OIDC client secret', canaryValue('oidc client secret'));
    const secretKey = canaries.add('server secret key', randomBytes(32).toString('base64'));
    const port = await freeLoopbackPort();
    const publicUrl = `http://127.0.0.1:${port}`;
    oidc = await startProvider(await freeLoopbackPort(), () => 'sub-sso', {
      clientSecret: oidcSecret,
      publicUrl,
      accounts: { 'sub-sso': { preferred_username: 'sso-user', email: 'sso@example.com', groups: [] } },
    });
    const smtpUrl = new URL(smtp.url);
    smtpUrl.username = 'mailer';
    smtpUrl.password = encodeURIComponent(smtpPassword);
    server = startServerProcess({
      PORT: String(port),
      DATABASE_URL: database.url,
      SLIPWAY_ADMIN_PASSWORD: adminPassword,
      SLIPWAY_SECRET_KEY: secretKey,
      SLIPWAY_SMTP_URL: smtpUrl.href,
      SLIPWAY_SMTP_FROM: 'slipway@example.com',
      SLIPWAY_OIDC_ISSUER: oidc.issuer,
      SLIPWAY_OIDC_CLIENT_ID: 'slipway',
      SLIPWAY_OIDC_CLIENT_SECRET: oidcSecret,
      SLIPWAY_PUBLIC_URL: publicUrl,
      SLIPWAY_LOG_LEVEL: 'debug',
      // The notification receivers and the OIDC provider listen on loopback.
      SLIPWAY_ALLOW_LOCAL_NETWORK: 'true',
    });
    await server.waitUntilReady();

    const admin = await signInRecorded(server.baseUrl, exchanges, 'admin', adminPassword);
    canaries.add('session token', admin.sessionToken);
    call = recordedClient(server.baseUrl, exchanges, admin.headers);

    // API tokens: used for the rest of the test.
    const created = await must(201, 'POST', '/api/v1/me/tokens', { name: 'canary', scope: 'write' });
    const apiToken = canaries.add('API token', String(created.token));
    call = recordedClient(server.baseUrl, exchanges, { authorization: `Bearer ${apiToken}` });
    await must(200, 'GET', '/api/v1/me');

    // Users: a password, an invite and its token, a password change.
    const userPassword = canaries.add('user password', canaryValue('user password'));
    await must(201, 'POST', '/api/v1/users', { username: 'dev', password: userPassword });
    const invited = await must(201, 'POST', '/api/v1/users', { username: 'invitee' });
    const inviteToken = new URL(String(invited.invitePath), 'http://x').searchParams.get('token') ?? '';
    expect(inviteToken.length).toBeGreaterThan(10);
    canaries.add('invite token', inviteToken);
    const invitePassword = canaries.add('invited user password', canaryValue('invite password'));
    const accepted = await call('POST', '/api/v1/auth/invite', {
      token: inviteToken,
      password: invitePassword,
    });
    expect(accepted.status, accepted.text).toBeLessThan(300);
    const devSession = await signInRecorded(server.baseUrl, exchanges, 'dev', userPassword);
    canaries.add('session token (dev)', devSession.sessionToken);
    const dev = recordedClient(server.baseUrl, exchanges, devSession.headers);
    const newPassword = canaries.add('changed password', canaryValue('new password'));
    const changed = await dev('POST', '/api/v1/me/password', { currentPassword: userPassword, newPassword });
    expect(changed.status, changed.text).toBeLessThan(300);
    await signInRecorded(server.baseUrl, exchanges, 'dev', newPassword);

    // Clusters: the test cluster's own credentials, plus a canary user in its kubeconfig.
    const kubeconfig = parseYaml(testKubeconfig()) as {
      users: { name: string; user: Record<string, string> }[];
    };
    for (const { user } of kubeconfig.users) {
      for (const field of ['token', 'client-key-data', 'password']) {
        if (user[field]) canaries.add(`kubeconfig ${field}`, user[field]);
      }
    }
    kubeconfig.users.push({
      name: 'canary-user',
      user: { token: canaries.add('kubeconfig token', canaryValue('kubeconfig token')) },
    });
    await must(201, 'POST', '/api/v1/clusters', { name: 'local', kubeconfig: stringifyYaml(kubeconfig) });

    await must(201, 'POST', '/api/v1/workspaces', { slug: ws, name: ws });
    await must(201, 'POST', `/api/v1/workspaces/${ws}/projects`, { slug: 'app', name: 'app' });
    await must(201, 'POST', `/api/v1/workspaces/${ws}/environments`, { name: 'local' });
    await must(201, 'POST', `/api/v1/workspaces/${ws}/environments`, { name: 'kube', cluster: 'local' });

    // Credentials: every type, one multi-line; one secret changed.
    const credentials = `/api/v1/workspaces/${ws}/credentials`;
    await must(201, 'POST', credentials, {
      name: 'git-cred',
      type: 'git',
      username: 'git-user',
      secret: canaries.add('credential git', canaryValue('credential git')),
    });
    await must(201, 'POST', credentials, {
      name: 'registry-cred',
      type: 'registry',
      username: 'reg-user',
      server: 'registry.example.com',
      secret: canaries.add('credential registry (multi-line)', canaryValue('credential registry', 3)),
    });
    await must(201, 'POST', credentials, {
      name: 'token-cred',
      type: 'token',
      secret: canaryValue('credential token (replaced)'),
    });
    await must(200, 'PUT', `${credentials}/token-cred`, {
      secret: canaries.add('credential token', canaryValue('credential token')),
    });

    await must(201, 'POST', pipelines, { name: 'ci', spec: SPEC });
    const parameters = () => ({
      token: canaries.add('secret parameter', canaryValue('secret parameter')),
      key: canaries.add('secret parameter (multi-line)', canaryValue('secret parameter key', 3)),
    });

    // Runs: on the local executor and on the cluster.
    const local = await must(201, 'POST', `${pipelines}/ci/runs`, {
      releaseType: 'default',
      environment: 'local',
      parameters: parameters(),
    });
    const onCluster = await must(201, 'POST', `${pipelines}/ci/runs`, {
      releaseType: 'default',
      environment: 'kube',
      parameters: parameters(),
    });
    // The cluster job's token, from the job's Secret (the one place it belongs).
    const job = await eventually('the cluster run’s Job', async () => (await kube.listJobs(namespace))[0]);
    const secretName = job.spec?.template.spec?.volumes?.find((v) => v.secret)?.secret?.secretName;
    const jobSecret = await kube.getSecret(namespace, secretName ?? `${job.metadata?.name}`);
    const jobToken = jobSecret?.data?.['slipway-job-token'];
    if (jobToken) canaries.add('job token', Buffer.from(jobToken, 'base64').toString());
    const localRun = await finished('ci', Number(local.number));
    expect(localRun.status, JSON.stringify(localRun.jobs)).toBe('succeeded');
    const localLog = await stepLog('ci', Number(local.number));
    // The masking is what is tested: the step printed every secret.
    expect(localLog.split('\n')).toEqual(
      expect.arrayContaining(['param token ***', 'git ***', 'registry ***', 'token ***']),
    );
    await finished('ci', Number(onCluster.number));
    await stepLog('ci', Number(onCluster.number));

    // Schedules and webhooks that hold a secret parameter's value.
    const schedule = await must(201, 'POST', `${pipelines}/ci/schedules`, {
      cron: '0 3 1 1 *',
      timezone: 'UTC',
      releaseType: 'default',
      environment: 'local',
      parameters: {
        token: canaries.add('schedule secret parameter', canaryValue('schedule parameter')),
        key: canaries.add('schedule secret parameter (multi-line)', canaryValue('schedule key', 2)),
      },
    });
    // Sent back as shown (masked): the stored values stay.
    await must(200, 'PATCH', `${pipelines}/ci/schedules/${schedule.id}`, {
      parameters: schedule.parameters,
      ref: null,
    });

    // Webhooks: GitHub (HMAC key given), GitLab (token given), one generated; deliveries signed
    // right and wrong.
    const hooks = `${project}/webhooks`;
    const mapping = { events: ['push'], pipeline: 'ci', releaseType: 'default', environment: 'local' };
    const github = await must(201, 'POST', hooks, {
      name: 'gh',
      provider: 'github',
      secret: canaries.add('webhook secret github', canaryValue('webhook github')),
      ...mapping,
      parameters: {
        token: canaries.add('webhook secret parameter', canaryValue('webhook parameter')),
        key: 'k',
      },
    });
    const gitlabSecret = canaries.add('webhook secret gitlab', canaryValue('webhook gitlab'));
    const gitlab = await must(201, 'POST', hooks, {
      name: 'gl',
      provider: 'gitlab',
      secret: gitlabSecret,
      ...mapping,
      parameters: { token: 'not-a-canary-token', key: 'k' },
    });
    const generated = await must(201, 'POST', hooks, {
      name: 'gen',
      provider: 'github',
      ...mapping,
      parameters: { token: 'not-a-canary-token', key: 'k' },
    });
    canaries.add('webhook secret generated', String(generated.secret));
    const sha = 'a'.repeat(40);
    const pushBody = JSON.stringify({
      ref: 'refs/heads/main',
      before: sha,
      after: sha,
      commits: [{ id: sha, added: [], modified: ['x'], removed: [] }],
      repository: { full_name: 'acme/app' },
    });
    const hmac = (key: string) => `sha256=${createHmac('sha256', key).update(pushBody).digest('hex')}`;
    for (const signature of [hmac(String(github.secret)), hmac('a-guessed-secret-value')]) {
      await call('POST', `/api/v1/hooks/${github.id}`, pushBody, {
        'x-github-event': 'push',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': signature,
      });
    }
    for (const token of [gitlabSecret, `${gitlabSecret}-wrong`]) {
      await call(
        'POST',
        `/api/v1/hooks/${gitlab.id}`,
        JSON.stringify({
          object_kind: 'push',
          ref: 'refs/heads/main',
          before: '0'.repeat(40),
          after: sha,
          checkout_sha: sha,
          total_commits_count: 0,
          commits: [],
        }),
        { 'x-gitlab-event': 'Push Hook', 'x-gitlab-event-uuid': randomUUID(), 'x-gitlab-token': token },
      );
    }
    await must(200, 'PATCH', `${hooks}/gen`, {
      secret: canaries.add('webhook secret changed', canaryValue('webhook changed')),
    });

    // Notification channels: a signed webhook, a Slack-compatible one, e-mail through SMTP.
    const channels = `/api/v1/workspaces/${ws}/notification-channels`;
    await must(201, 'POST', channels, {
      name: 'hook',
      type: 'webhook',
      url: `${receiver.url}/notify`,
      secret: canaries.add('notification webhook secret', canaryValue('notification secret')),
    });
    await must(201, 'POST', channels, { name: 'mail', type: 'email', recipients: ['ops@example.com'] });
    await must(200, 'PATCH', `${channels}/hook`, {
      secret: canaries.add('notification webhook secret (changed)', canaryValue('notification changed')),
    });
    for (const channel of ['hook', 'mail']) await call('POST', `${channels}/${channel}/test`, {});
    await eventually('the test notifications to be delivered or given up', async () => {
      const page = (await call('GET', `${channels}/hook/deliveries`)).body as { items: { status: string }[] };
      const mail = (await call('GET', `${channels}/mail/deliveries`)).body as { items: { status: string }[] };
      return [...page.items, ...mail.items].length >= 2 &&
        [...page.items, ...mail.items].every((d) => d.status !== 'pending')
        ? true
        : undefined;
    });

    // OIDC: the authorization-code flow through a real provider (the client secret authenticates
    // the code exchange), and a replayed callback (refused).
    const record = recordingFetch(exchanges);
    const begin = await record(`${server.baseUrl}/api/v1/auth/oidc/login`, { redirect: 'manual' });
    expect(begin.status).toBe(302);
    const flow = cookieOf(begin, 'slipway_oidc');
    const back = await throughProvider(String(begin.headers.get('location')), publicUrl);
    const finish = () =>
      record(`${server.baseUrl}${back.pathname}${back.search}`, {
        redirect: 'manual',
        headers: { cookie: flow },
      });
    const signedIn = await finish();
    expect(signedIn.status, await signedIn.text()).toBe(302);
    const ssoSession = cookieOf(signedIn, SESSION_COOKIE);
    expect(ssoSession).not.toBe('');
    canaries.add('session token (OIDC)', decodeURIComponent(ssoSession.slice(SESSION_COOKIE.length + 1)));
    expect((await finish()).status).toBeGreaterThanOrEqual(400);

    // Errors with secrets in the request.
    await call('POST', credentials, {
      name: 'Not A Slug!',
      type: 'token',
      secret: canaries.add('rejected credential secret', canaryValue('rejected credential')),
    });
    await call('POST', credentials, {
      name: 'wrong-type',
      type: 'password',
      secret: canaries.add('rejected credential secret (type)', canaryValue('rejected credential type')),
    });
    await call('POST', hooks, {
      name: 'bad',
      provider: 'github',
      secret: canaries.add('rejected webhook secret', `${canaryValue('rejected webhook')}${'x'.repeat(200)}`),
      ...mapping,
    });
    await call('POST', '/api/v1/clusters', {
      name: 'broken',
      kubeconfig: `apiVersion: v1\nusers:\n- name: u\n  user: {token: "${canaries.add('rejected kubeconfig token', canaryValue('rejected kubeconfig'))}"\n`,
    });
    await call('POST', `${pipelines}/ci/runs`, {
      releaseType: 'default',
      environment: 'nowhere',
      parameters: { token: canaries.add('secret parameter of a refused run', canaryValue('refused run')) },
    });
    const wrongLogin = canaries.add('wrong password', canaryValue('wrong password'));
    await call('POST', '/api/v1/auth/login', { username: 'admin', password: wrongLogin });
    await dev('POST', '/api/v1/me/password', {
      currentPassword: canaries.add('wrong current password', canaryValue('wrong current')),
      newPassword: canaries.add('refused new password', canaryValue('refused new')),
    });

    // Everything read back: lists, details, audit log and its export, runs, logs, deliveries.
    for (const url of [
      '/api/v1/me',
      '/api/v1/me/tokens',
      '/api/v1/me/sessions',
      '/api/v1/users',
      '/api/v1/users/dev',
      '/api/v1/clusters',
      '/api/v1/clusters/local',
      `/api/v1/workspaces/${ws}`,
      `/api/v1/workspaces/${ws}/environments`,
      `/api/v1/workspaces/${ws}/environments/kube`,
      credentials,
      `${credentials}/git-cred`,
      `${credentials}/registry-cred`,
      `${credentials}/token-cred`,
      `${pipelines}/ci`,
      `${pipelines}/ci/runs`,
      `${pipelines}/ci/runs/${local.number}`,
      `${pipelines}/ci/runs/${onCluster.number}`,
      `${pipelines}/ci/schedules`,
      hooks,
      `${hooks}/gh`,
      `${hooks}/gh/deliveries`,
      `${hooks}/gl/deliveries`,
      channels,
      `${channels}/hook/deliveries`,
      `${channels}/mail/deliveries`,
      '/api/v1/audit-events?limit=200',
      '/api/v1/audit-events/export',
      '/api/v1/auth/providers',
      '/api/openapi.json',
    ]) {
      await must(200, 'GET', url);
    }
  }, 600_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null) await server.stop();
    await receiver?.close();
    await smtp?.close();
    oidc?.server.close();
    await db?.close();
    await kube.deleteNamespace(namespace).catch(() => undefined);
    await database?.drop();
  });

  const show = (leaks: Leak[]) => leaks.map((l) => `${l.where}: ${l.kind} as ${l.form} in …${l.context}…`);

  it('finds a canary in each form a leak takes (the scan itself is sound)', () => {
    const probe = canarySet();
    const value = probe.add('probe', canaryValue('probe', 2));
    const [, line] = value.split('\n');
    for (const [form, text] of [
      ['raw line', `log: ${line} end`],
      ['base64 at 0', Buffer.from(value).toString('base64')],
      ['base64 at 1', Buffer.from(`x${value}`).toString('base64')],
      ['base64 at 2', Buffer.from(`xy${value}`).toString('base64url')],
      ['url-encoded', `?q=${encodeURIComponent(line ?? '')}`],
      ['form-encoded', new URLSearchParams({ q: line ?? '' }).toString()],
      ['json', JSON.stringify({ v: value })],
    ] as const) {
      expect(probe.find(text).length, form).toBeGreaterThan(0);
    }
    expect(probe.find('nothing secret here')).toEqual([]);
  });

  it('no response body holds a secret (but the ones shown once to their maker)', () => {
    expect(exchanges.length).toBeGreaterThan(60);
    const leaks: string[] = [];
    for (const exchange of exchanges) {
      const path = new URL(exchange.url).pathname;
      const allowed = SHOWN_ONCE.find((s) => s.method === exchange.method && s.path.test(path));
      for (const hit of canaries.find(exchange.body)) {
        if (allowed?.kinds.includes(hit.kind) && exchange.status === 201) continue;
        leaks.push(
          `${exchange.method} ${path} ${exchange.status}: ${hit.kind} as ${hit.form} in …${hit.context}…`,
        );
      }
    }
    expect(leaks).toEqual([]);
  });

  it('no server log line holds a secret', () => {
    const output = server.output();
    expect(output).toContain('"msg"');
    expect(canaries.find(output).map((hit) => `${hit.kind} as ${hit.form} in …${hit.context}…`)).toEqual([]);
  });

  it('no step log holds a secret', () => {
    expect(stepLogs).toHaveLength(2);
    expect(stepLogs.flatMap((log) => canaries.find(log).map((hit) => `${hit.kind} as ${hit.form}`))).toEqual(
      [],
    );
  });

  it('no Kubernetes object of the test namespace but its Secrets holds a secret', async () => {
    expect((await kube.listJobs(namespace)).length).toBeGreaterThan(0);
    expect(show(await scanCluster(kube, [namespace], canaries))).toEqual([]);
  });

  it('no database column but the ciphertext and hash columns holds a secret', async () => {
    const columns = await textColumns(db);
    // Every listed secret column exists (a renamed one would be scanned, not silently skipped).
    expect(Object.keys(SECRET_COLUMNS).filter((column) => !columns.includes(column))).toEqual([]);
    expect(show(await scanDatabase(db, canaries))).toEqual([]);
  });

  it('what the server sent out holds no secret: notification webhooks, e-mails', () => {
    const notified = receiver.requests.filter((r) => r.path === '/notify');
    expect(notified.length).toBeGreaterThan(0);
    const out = [
      ...receiver.requests.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.headers)} ${r.body}`),
      ...smtp.mails.map((m) => `${m.from} ${m.to.join(',')} ${m.message.subject} ${m.message.text}`),
    ].join('\n');
    expect(canaries.find(out).map((hit) => `${hit.kind} as ${hit.form} in …${hit.context}…`)).toEqual([]);
  });
});
