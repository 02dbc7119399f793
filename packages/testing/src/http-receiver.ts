import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got: method, path, headers (lower-case names) and the raw body. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The status the receiver answered it with. */
  status: number;
  /** When it arrived (ms since the epoch). */
  at: number;
}

/** A real HTTP server on loopback that records every request (a webhook's or chat receiver). */
export interface HttpReceiver {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: ReceivedRequest[];
  /** The status answered from now on (e.g. 503 to play a receiver that is down); default 200. */
  answer(status: number): void;
  close(): Promise<void>;
}

/** Starts a receiver on a free loopback port. */
export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  let status = 200;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
        status,
        at: Date.now(),
      });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 400 ? 'ok' : 'unavailable');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer(next) {
      status = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
