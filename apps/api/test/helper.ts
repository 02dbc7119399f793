// Builds the real application on a fresh PostgreSQL database (from the test harness) and
// signs in through the real login route. Used by the API's *.int.test.ts files.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { CSRF_HEADER, SESSION_COOKIE } from '@slipway/contracts';
import { type Database, openDatabase } from '@slipway/db';
import { createTestDatabase, type TestDatabase } from '@slipway/testing';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { type AppDeps, buildApp, type SlipwayApp } from '../src/app.ts';

export const ADMIN_PASSWORD = 'correct-horse-battery-staple';
export const TEST_SECRET_KEY = randomBytes(32);

export interface TestApp extends SlipwayApp {
  db: Database;
  database: TestDatabase;
  close(): Promise<void>;
}

/** The app configuration tests use; override what a test is about. */
export function testAppConfig(overrides: Partial<AppDeps['config']> = {}): AppDeps['config'] {
  return {
    session: { idleTimeoutMs: 30 * 60_000, absoluteTimeoutMs: 24 * 3_600_000 },
    consoleDir: '/nonexistent-console',
    trustProxy: false,
    corsOrigins: [],
    bodyLimitBytes: 64 * 1024,
    kubeTimeoutMs: 5_000,
    loginThrottle: { maxFailures: 1000, windowMs: 60_000 },
    publicUrl: undefined,
    oidc: undefined,
    secretKey: TEST_SECRET_KEY,
    workDir: path.join(os.tmpdir(), `slipway-test-work-${process.pid}`),
    // Tests' repositories and receivers listen on loopback (SLIPWAY_ALLOW_LOCAL_NETWORK=true);
    // the tests of the guard itself turn it off.
    allowLocalNetwork: true,
    ...overrides,
  };
}

export async function buildTestApp(
  overrides: Partial<AppDeps['config']> = {},
  /** A logger, for a test about what the server logs. */
  logger?: AppDeps['logger'],
): Promise<TestApp> {
  const database = await createTestDatabase();
  const db = await openDatabase({ databaseUrl: database.url, dataDir: '/nonexistent' });
  const built = await buildApp({
    db,
    config: testAppConfig(overrides),
    ...(logger ? { logger } : {}),
  });
  await built.services.auth.ensureBootstrapAdmin(ADMIN_PASSWORD);
  await built.app.ready();
  return {
    ...built,
    db,
    database,
    async close() {
      await built.app.close();
      await db.close();
      await database.drop();
    },
  };
}

/**
 * A second server on `t`'s database with other settings (e.g. the local network off) and
 * dependencies (e.g. an injected resolver), ready; the test closes it.
 */
export async function buildAppOn(
  t: TestApp,
  overrides: Partial<AppDeps['config']>,
  deps: Pick<AppDeps, 'resolveHost'> = {},
): Promise<SlipwayApp> {
  const built = await buildApp({ db: t.db, config: testAppConfig(overrides), ...deps });
  await built.app.ready();
  return built;
}

export interface SignedInClient {
  csrfToken: string;
  cookie: string;
  /** A request carrying the session cookie and, unless `csrf: false`, the CSRF header. */
  request(options: InjectOptions & { csrf?: boolean }): Promise<LightMyRequestResponse>;
}

export async function signIn(
  app: TestApp['app'],
  username = 'admin',
  password = ADMIN_PASSWORD,
): Promise<SignedInClient> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
  });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  const session = response.cookies.find((c) => c.name === SESSION_COOKIE);
  if (!session) throw new Error('sign-in set no session cookie');
  const csrfToken = (response.json() as { csrfToken: string }).csrfToken;
  const cookie = `${SESSION_COOKIE}=${session.value}`;
  return {
    csrfToken,
    cookie,
    request({ csrf = true, headers, ...options }) {
      return app.inject({
        ...options,
        headers: { ...headers, cookie, ...(csrf ? { [CSRF_HEADER]: csrfToken } : {}) },
      });
    },
  };
}

/** Creates a workspace (and optionally a project in it) as the signed-in client; fails loudly. */
export async function seedWorkspace(
  client: SignedInClient,
  workspace: string,
  project?: string,
  /** An environment on the local executor (no cluster) to create too. */
  environment?: string,
): Promise<void> {
  const steps: [string, Record<string, string>][] = [
    ['/api/v1/workspaces', { slug: workspace, name: workspace }],
  ];
  if (project) steps.push([`/api/v1/workspaces/${workspace}/projects`, { slug: project, name: project }]);
  if (environment) steps.push([`/api/v1/workspaces/${workspace}/environments`, { name: environment }]);
  for (const [url, payload] of steps) {
    const response = await client.request({ method: 'POST', url, payload });
    if (response.statusCode !== 201)
      throw new Error(`seeding ${url}: ${response.statusCode} ${response.body}`);
  }
}

/**
 * Creates user `username` (password `password`), gives them `role` in one project and signs
 * them in; fails loudly.
 */
export async function signInAsProjectMember(
  app: TestApp['app'],
  admin: SignedInClient,
  target: { workspace: string; project: string; username: string; role: string },
  password = 'member-test-password',
): Promise<SignedInClient> {
  const steps: [string, Record<string, string>][] = [
    ['/api/v1/users', { username: target.username, password }],
    [
      `/api/v1/workspaces/${target.workspace}/projects/${target.project}/members`,
      { user: target.username, role: target.role },
    ],
  ];
  for (const [url, payload] of steps) {
    const response = await admin.request({ method: 'POST', url, payload });
    if (response.statusCode !== 201) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
  }
  return signIn(app, target.username, password);
}

export { until } from './wait.ts';
