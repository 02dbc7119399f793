// A client of a running server for the secret-canary test: every request goes through a
// recording fetch, so every response body the server gave can be scanned afterwards.
import { CSRF_HEADER, SESSION_COOKIE } from '@slipway/contracts';
import { type Exchange, recordingFetch } from './scan.ts';

/** One call: JSON body in (or a raw string), status, parsed JSON (or null) and the text out. */
export type RecordedCall = (
  method: string,
  url: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<{ status: number; body: unknown; text: string }>;

/** A client of `baseUrl` that records into `exchanges`; `auth` headers go on every request. */
export function recordedClient(
  baseUrl: string,
  exchanges: Exchange[],
  auth: Record<string, string> = {},
): RecordedCall {
  const recorded = recordingFetch(exchanges);
  return async (method, url, body, headers = {}) => {
    const raw = typeof body === 'string';
    const response = await recorded(`${baseUrl}${url}`, {
      method,
      headers: {
        ...auth,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: raw ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body: parsed, text };
  };
}

/** Signs in through the real login route (recorded): the session token and the headers a session sends. */
export async function signInRecorded(
  baseUrl: string,
  exchanges: Exchange[],
  username: string,
  password: string,
): Promise<{ sessionToken: string; headers: Record<string, string> }> {
  const response = await recordingFetch(exchanges)(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`sign-in as ${username} failed: ${response.status}`);
  const cookie = cookieOf(response, SESSION_COOKIE);
  if (!cookie) throw new Error('sign-in set no session cookie');
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return {
    sessionToken: decodeURIComponent(cookie.slice(SESSION_COOKIE.length + 1)),
    headers: { cookie, [CSRF_HEADER]: csrfToken },
  };
}

/** The `name=value` of cookie `name` a response sets ('' when it sets none). */
export function cookieOf(response: Response, name: string): string {
  return (
    response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0] ?? '')
      .find((c) => c.startsWith(`${name}=`)) ?? ''
  );
}
