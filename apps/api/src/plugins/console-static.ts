import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const API_PREFIXES = ['/api/', '/healthz', '/readyz'];

/**
 * Serves the built console from the API's origin. Unknown GETs that look like client-side
 * routes (no file extension, not under /api) get index.html; everything else a JSON 404.
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
