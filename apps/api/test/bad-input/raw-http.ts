// Requests sent as written: `fetch` and the test injector normalize `..` and `%2e%2e` out of
// a URL before it leaves, so what a hostile client sends byte for byte goes over a socket.
import http from 'node:http';
import net from 'node:net';

export interface RawResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One request with `path` sent unchanged (no dot-segment removal, no re-encoding). */
export function rawRequest(
  port: number,
  options: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        agent,
        method: options.method,
        path: options.path,
        headers: options.headers,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            statusCode: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/**
 * Writes `head` (request line and headers, no final blank line) on a fresh socket and
 * reads what the server answers until it closes: for requests Node's HTTP parser itself
 * refuses, which an HTTP client library would not send.
 */
export function rawExchange(port: number, head: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    // The server may close while the request is still being written: that is expected.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [headText = '', body = ''] = text.split('\r\n\r\n', 2);
      const [statusLine = '', ...headerLines] = headText.split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((line) => {
          const at = line.indexOf(':');
          return [line.slice(0, at).toLowerCase(), line.slice(at + 1).trim()];
        }),
      );
      resolve({ statusCode: Number(statusLine.split(' ')[1] ?? 0), headers, body });
    });
    socket.write(`${head}\r\n\r\n`);
  });
}

/** Closes the kept-alive sockets of `rawRequest`. */
export function closeRawConnections(): void {
  agent.destroy();
}
