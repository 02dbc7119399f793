import { cacheEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { CachesService } from './caches.service.ts';

export function registerCacheRoutes(app: FastifyInstance, deps: { caches: CachesService }): void {
  const { caches } = deps;
  registerEndpoint(app, cacheEndpoints.list, (r) => caches.list(actorOf(r), r.params));
  registerEndpoint(app, cacheEndpoints.clear, (r) => caches.clear(actorOf(r), r.params));
}
