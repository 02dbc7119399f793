import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { JobFilesService } from './job-files.service.ts';

/** The prefix of every job-files route. */
export const JOB_FILES_PATH = '/api/v1/job-files';

const JobParamsSchema = z.strictObject({
  job: z.string().min(1).max(63).describe('A job of an earlier stage'),
});
const KeyQuerySchema = z.strictObject({
  key: z.string().min(1).max(512).describe('The cache key the restore step computed'),
});
const MessageSchema = z.object({ message: z.string() });

const tags = ['job-files'];

/**
 * The routes jobs' restore and upload steps call (`/api/v1/job-files/*`). Authenticated ONLY
 * by `Authorization: Bearer <job token>` — no session, no CSRF, no API token: they sit
 * outside the user API's authentication (no `auth` in their config) and are not audited (no
 * user acts). Upload bodies are tar.gz streams read as they arrive (no body limit: the
 * artifact and cache limits apply), downloads are streamed.
 */
export async function registerJobFilesRoutes(
  app: FastifyInstance,
  deps: { jobFiles: JobFilesService },
): Promise<void> {
  const { jobFiles } = deps;
  const authenticate = (request: FastifyRequest) => jobFiles.authenticate(request.headers.authorization);
  const gzip = (reply: FastifyReply, stream: NodeJS.ReadableStream) =>
    reply.type('application/gzip').header('cache-control', 'no-store').send(stream);

  await app.register(async (scope) => {
    // Every body stays the request's stream: the handlers read it.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));

    scope.put(
      `${JOB_FILES_PATH}/artifacts`,
      {
        schema: {
          operationId: 'uploadJobArtifacts',
          summary: "Keep the job's artifacts (a tar.gz body, filtered by artifacts.paths)",
          tags,
          response: { 200: MessageSchema },
        },
      },
      async (request) => jobFiles.saveArtifacts(await authenticate(request), request.raw),
    );
    scope.get(
      `${JOB_FILES_PATH}/artifacts`,
      {
        schema: {
          operationId: 'listJobArtifacts',
          summary: 'Jobs of earlier stages of the run with artifacts, one name a line (text/plain)',
          tags,
        },
      },
      async (request, reply) =>
        reply
          .type('text/plain; charset=utf-8')
          .send(await jobFiles.listArtifacts(await authenticate(request))),
    );
    scope.get(
      `${JOB_FILES_PATH}/artifacts/:job`,
      {
        schema: {
          operationId: 'downloadJobArtifacts',
          summary: "An earlier job's artifacts as .tar.gz",
          tags,
          params: JobParamsSchema,
        },
      },
      async (request, reply) => {
        const { job } = request.params as z.infer<typeof JobParamsSchema>;
        return gzip(reply, await jobFiles.openArtifacts(await authenticate(request), job));
      },
    );
    scope.put(
      `${JOB_FILES_PATH}/reports`,
      {
        schema: {
          operationId: 'uploadJobReports',
          summary: "Read the job's test reports (a tar.gz body, filtered by reports.junit)",
          tags,
          response: { 200: MessageSchema },
        },
      },
      async (request) => jobFiles.saveReports(await authenticate(request), request.raw),
    );
    scope.get(
      `${JOB_FILES_PATH}/cache`,
      {
        schema: {
          operationId: 'downloadJobCache',
          summary: "The project's cache of this key as .tar.gz, or 404",
          tags,
          querystring: KeyQuerySchema,
        },
      },
      async (request, reply) => {
        const { key } = request.query as z.infer<typeof KeyQuerySchema>;
        return gzip(reply, await jobFiles.openCache(await authenticate(request), key));
      },
    );
    scope.put(
      `${JOB_FILES_PATH}/cache`,
      {
        schema: {
          operationId: 'uploadJobCache',
          summary: 'Save the cache under this key (a tar.gz body, filtered by cache.paths); never overwrites',
          tags,
          querystring: KeyQuerySchema,
          response: { 200: MessageSchema.extend({ saved: z.boolean() }) },
        },
      },
      async (request) => {
        const { key } = request.query as z.infer<typeof KeyQuerySchema>;
        return jobFiles.saveCache(await authenticate(request), key, request.raw);
      },
    );
  });
}
