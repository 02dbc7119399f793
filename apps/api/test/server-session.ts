// The real server as a child process (`@slipway/testing`'s startServerProcess) on a test
// PostgreSQL, signed in over HTTP: for the tests and benchmarks that kill, restart or run
// several replicas of it.
import { freeLoopbackPort, type ServerProcess, startServerProcess } from '@slipway/testing';
import { ADMIN_PASSWORD } from './helper.ts';

/** The secret key every replica of one test shares (replicas on one database must agree). */
export const REPLICA_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');

/** One HTTP call with the session: JSON body in, status and parsed JSON body (or null) out. */
export type ServerCall = (
  method: string,
  url: string,
  body?: unknown,
) => Promise<{ status: number; body: unknown }>;

/** A session of a running server at `baseUrl` through the real login route; fails loudly. */
export async function signInSession(
  baseUrl: string,
  password = ADMIN_PASSWORD,
  username = 'admin',
): Promise<{ cookie: string; csrf: string }> {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (login.status !== 200) throw new Error(`sign-in to ${baseUrl} failed: ${login.status}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { cookie, csrf: ((await login.json()) as { csrfToken: string }).csrfToken };
}

/** Signs in to a running server at `baseUrl`: calls carrying the session and its CSRF token. */
export async function signInToServer(
  baseUrl: string,
  password = ADMIN_PASSWORD,
  username = 'admin',
): Promise<ServerCall> {
  const { cookie, csrf } = await signInSession(baseUrl, password, username);
  return async (method, url, body) => {
    const response = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrf, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as unknown };
  };
}

/**
 * Starts a server process on `databaseUrl` (port `port`, or a free one), waits for /readyz
 * and signs in as admin. `env` adds or overrides variables.
 */
export async function startSignedInServer(options: {
  databaseUrl: string;
  port?: number;
  env?: Record<string, string>;
}): Promise<{ server: ServerProcess; call: ServerCall }> {
  const server = startServerProcess({
    PORT: String(options.port ?? (await freeLoopbackPort())),
    DATABASE_URL: options.databaseUrl,
    SLIPWAY_ADMIN_PASSWORD: ADMIN_PASSWORD,
    SLIPWAY_SECRET_KEY: REPLICA_SECRET_KEY,
    ...options.env,
  });
  try {
    await server.waitUntilReady();
  } catch (error) {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    throw error;
  }
  return { server, call: await signInToServer(server.baseUrl) };
}

/** Lines a server logs when its leader election changes (see `server.ts`). */
const LEADING = '"msg":"leading: the run engine is running here"';
const NOT_LEADING = '"msg":"not leading: the run engine waits"';

/** How often the server process took up and gave up the run engine's leadership so far (from its log). */
export function leadershipChanges(server: ServerProcess): { took: number; gaveUp: number } {
  const output = server.output();
  return { took: output.split(LEADING).length - 1, gaveUp: output.split(NOT_LEADING).length - 1 };
}

/** Resolves as soon as the server logs that it took the leadership (read as its output arrives). */
export function untilLeading(server: ServerProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      server.child.stdout?.off('data', check);
    };
    const check = () => {
      if (leadershipChanges(server).took === 0) return;
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`the server did not take the leadership within ${timeoutMs} ms`));
    }, timeoutMs);
    server.child.stdout?.on('data', check);
    check();
  });
}
