import { HealthSchema } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

export function registerHealthRoutes(app: FastifyInstance, deps: { checkReady: () => Promise<void> }): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/healthz',
    {
      schema: {
        operationId: 'getLiveness',
        summary: 'The process is alive',
        tags: ['health'],
        response: { 200: HealthSchema },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  typed.get(
    '/readyz',
    {
      schema: {
        operationId: 'getReadiness',
        summary: 'The database is reachable and every migration is applied',
        tags: ['health'],
        response: { 200: HealthSchema, 503: HealthSchema },
      },
    },
    async (request, reply) => {
      try {
        await deps.checkReady();
        return { status: 'ok' as const };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        request.log.warn({ reason }, 'not ready');
        return reply.code(503).send({ status: 'unavailable' as const, reason });
      }
    },
  );
}
