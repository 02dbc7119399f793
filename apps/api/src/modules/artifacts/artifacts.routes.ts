import { artifactEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint, registerStreamingEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { ArtifactsService } from './artifacts.service.ts';

export function registerArtifactRoutes(app: FastifyInstance, deps: { artifacts: ArtifactsService }): void {
  const { artifacts } = deps;
  const e = artifactEndpoints;
  registerEndpoint(app, e.list, (r) => artifacts.list(actorOf(r), r.params));
  registerStreamingEndpoint(app, e.download, async (r, reply) => {
    const { fileName, body } = await artifacts.download(actorOf(r), r.params);
    // application/gzip is not compressible: the compression plugin passes it through.
    return reply
      .type('application/gzip')
      .header('content-disposition', `attachment; filename="${fileName.replace(/[^\w.-]+/g, '_')}"`)
      .send(body);
  });
}
