import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const API_PREFIXES = ['/api/', '/healthz', '/readyz'];

/**
 * Files of the console directory that are never served: source maps (they hand out the
 * console's whole source; a build made with them for debugging must not publish them)
 * and the pre-compressed siblings asked for by name (they are chosen by Accept-Encoding).
 */
export function isServedConsoleFile(pathname: string): boolean {
  return !/\.(map|br|gz)$/i.test(pathname);
}

/**
 * Serves the built console from the API's origin. Unknown GETs that look like client-side
 * routes (no file extension, not under /api) get index.html; everything else a JSON 404.
 *
 * The console build writes a brotli (`.br`) and a gzip (`.gz`) copy beside each
 * compressible asset (apps/console/build/precompress.ts); they are served by the request's
 * Accept-Encoding with `Vary: Accept-Encoding`, so nothing is compressed per request.
 */
export async function registerConsole(
  app: FastifyInstance,
  consoleDir: string,
): Promise<((request: FastifyRequest, reply: FastifyReply) => boolean) | undefined> {
  if (!existsSync(path.join(consoleDir, 'index.html'))) {
    app.log.warn({ consoleDir }, 'console not built: serving the API only (run ./run build)');
    return undefined;
  }
  await app.register(fastifyStatic, {
    root: consoleDir,
    prefix: '/',
    index: ['index.html'],
    preCompressed: true,
    allowedPath: (pathname) => isServedConsoleFile(pathname),
    setHeaders(res, filePath) {
      // Vite fingerprints everything under assets/; index.html must always be revalidated.
      res.header(
        'cache-control',
        filePath.includes(`${path.sep}assets${path.sep}`)
          ? 'public, max-age=31536000, immutable'
          : 'no-cache',
      );
    },
  });

  return (request, reply) => {
    const url = request.url.split('?')[0] ?? '/';
    const isPageRoute =
      (request.method === 'GET' || request.method === 'HEAD') &&
      !API_PREFIXES.some((prefix) => url === prefix.replace(/\/$/, '') || url.startsWith(prefix)) &&
      path.extname(url) === '';
    if (!isPageRoute) return false;
    reply.header('cache-control', 'no-cache').sendFile('index.html');
    return true;
  };
}
