// A real git server over smart HTTP on a loopback address: `git http-backend` run as a CGI
// program per request (the way git's own test suite and most hosting set-ups serve it).
// It records every request it gets, and can instead redirect every request elsewhere.
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitHttpServer {
  /** `http://<host>:<port>`; repositories are `<url>/<folder name under root>`. */
  url: string;
  port: number;
  /** Paths (with query) of the requests received, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves the repositories under `root` on `host` (default 127.0.0.1; any 127.x address works
 * on Linux). `redirect(path)`: a URL to answer 302 with instead (undefined: serve).
 */
export async function startGitHttpServer(options: {
  root: string;
  host?: string;
  redirect?: (path: string) => string | undefined;
}): Promise<GitHttpServer> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    const target = request.url ?? '/';
    requests.push(target);
    const elsewhere = options.redirect?.(target);
    if (elsewhere) {
      request.resume();
      response.writeHead(302, { location: elsewhere }).end();
      return;
    }
    const url = new URL(target, 'http://git.test');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_PROJECT_ROOT: options.root,
        GIT_HTTP_EXPORT_ALL: '1',
        // Blob-less clones, the way the server clones.
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'uploadpack.allowFilter',
        GIT_CONFIG_VALUE_0: 'true',
        GIT_PROTOCOL: String(request.headers['git-protocol'] ?? ''),
        REQUEST_METHOD: request.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: request.headers['content-type'] ?? '',
        ...(request.headers['content-length'] ? { CONTENT_LENGTH: request.headers['content-length'] } : {}),
        HTTP_CONTENT_ENCODING: String(request.headers['content-encoding'] ?? ''),
        REMOTE_ADDR: request.socket.remoteAddress ?? '',
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    request.pipe(cgi.stdin);
    const out: Buffer[] = [];
    cgi.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    cgi.on('close', () => {
      const all = Buffer.concat(out);
      const end = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, Math.max(end, 0)).toString('latin1');
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.split('\r\n').filter(Boolean)) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      response.writeHead(end < 0 ? 502 : status, headers).end(end < 0 ? all : all.subarray(end + 4));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
