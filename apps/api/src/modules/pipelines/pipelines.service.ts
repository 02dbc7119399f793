import type { Pipeline } from '@slipway/contracts';
import { isUniqueViolation } from '@slipway/db';
import { parsePipeline, pipelineJsonSchema, type SpecError } from '@slipway/pipeline';
import type { Actor } from '../../lib/actor.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../../lib/errors.ts';
import type { ProjectsService } from '../projects/projects.service.ts';
import type { PipelinesRepo } from './pipelines.repo.ts';

function invalidSpec(errors: SpecError[]): BadRequestError {
  return new BadRequestError(
    `the spec has ${errors.length} error${errors.length === 1 ? '' : 's'}: ${errors
      .slice(0, 3)
      .map((e) => `${e.line}:${e.column} ${e.path ? `${e.path}: ` : ''}${e.message}`)
      .join('; ')}${errors.length > 3 ? '; …' : ''}`,
    errors.map((error) => ({ field: 'body.spec', ...error })),
  );
}

export function createPipelinesService(deps: { pipelines: PipelinesRepo; projects: ProjectsService }) {
  const { pipelines, projects } = deps;
  let jsonSchema: Record<string, unknown> | undefined;

  async function findOrThrow(
    actor: Actor,
    workspace: string,
    project: string,
    name: string,
    permission: 'project.read' | 'pipeline.edit',
  ) {
    const row = await projects.authorize(actor, workspace, project, permission);
    const pipeline = await pipelines.find(row.id, name);
    if (!pipeline) throw new NotFoundError(`pipeline "${name}" not found in project "${project}"`);
    return pipeline;
  }

  async function current(pipeline: {
    id: string;
    name: string;
    currentRevision: number;
    createdAt: Date;
    updatedAt: Date;
  }): Promise<Pipeline> {
    const revision = await pipelines.revision(pipeline.id, pipeline.currentRevision);
    if (!revision) throw new Error(`pipeline ${pipeline.id} has no revision ${pipeline.currentRevision}`);
    return {
      name: pipeline.name,
      revision: revision.number,
      spec: revision.spec,
      createdAt: pipeline.createdAt.toISOString(),
      updatedAt: revision.createdAt.toISOString(),
      updatedBy: revision.authorName,
    };
  }

  return {
    jsonSchema() {
      jsonSchema ??= pipelineJsonSchema();
      return jsonSchema;
    },

    async validate(actor: Actor, workspace: string, project: string, spec: string) {
      await projects.authorize(actor, workspace, project, 'project.read');
      const { errors } = parsePipeline(spec);
      return { valid: errors.length === 0, errors };
    },

    async list(actor: Actor, workspace: string, project: string) {
      const row = await projects.authorize(actor, workspace, project, 'project.read');
      const items = await pipelines.list(row.id);
      return {
        items: items.map((p) => ({
          name: p.name,
          revision: p.currentRevision,
          updatedAt: p.updatedAt.toISOString(),
          updatedBy: p.revisions[0]?.authorName ?? null,
        })),
      };
    },

    async create(
      actor: Actor,
      workspace: string,
      project: string,
      body: { name: string; spec: string; message?: string | undefined },
    ) {
      const row = await projects.authorize(actor, workspace, project, 'pipeline.edit');
      const { errors } = parsePipeline(body.spec);
      if (errors.length > 0) throw invalidSpec(errors);
      try {
        const pipeline = await pipelines.transaction(async (tx) => {
          const created = await pipelines.create({ projectId: row.id, name: body.name }, tx);
          await pipelines.addRevision(
            {
              pipelineId: created.id,
              number: 1,
              spec: body.spec,
              message: body.message ?? null,
              authorId: actor.userId,
              authorName: actor.username,
            },
            tx,
          );
          return created;
        });
        return current(pipeline);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError(`pipeline "${body.name}" already exists in project "${project}"`, [
            { field: 'body.name', message: 'already taken' },
          ]);
        }
        throw error;
      }
    },

    async get(actor: Actor, workspace: string, project: string, name: string) {
      return current(await findOrThrow(actor, workspace, project, name, 'project.read'));
    },

    /** Saves a new revision; refuses to overwrite a revision saved by someone else meanwhile. */
    async update(
      actor: Actor,
      workspace: string,
      project: string,
      name: string,
      body: { spec: string; baseRevision: number; message?: string | undefined },
    ) {
      const pipeline = await findOrThrow(actor, workspace, project, name, 'pipeline.edit');
      const { errors } = parsePipeline(body.spec);
      if (errors.length > 0) throw invalidSpec(errors);
      const conflict = (latest: number) =>
        new ConflictError(
          `revision ${latest} was saved after revision ${body.baseRevision}, which this edit started from; reload, merge and save again`,
          [{ field: 'body.baseRevision', message: `latest is ${latest}` }],
        );
      if (body.baseRevision !== pipeline.currentRevision) throw conflict(pipeline.currentRevision);
      const saved = await pipelines.transaction(async (tx) => {
        if (!(await pipelines.advance(pipeline.id, body.baseRevision, tx))) return false;
        await pipelines.addRevision(
          {
            pipelineId: pipeline.id,
            number: body.baseRevision + 1,
            spec: body.spec,
            message: body.message ?? null,
            authorId: actor.userId,
            authorName: actor.username,
          },
          tx,
        );
        return true;
      });
      const latest = await findOrThrow(actor, workspace, project, name, 'project.read');
      if (!saved) throw conflict(latest.currentRevision);
      return current(latest);
    },

    async delete(actor: Actor, workspace: string, project: string, name: string) {
      const pipeline = await findOrThrow(actor, workspace, project, name, 'pipeline.edit');
      await pipelines.delete(pipeline.id);
    },

    async revisions(actor: Actor, workspace: string, project: string, name: string) {
      const pipeline = await findOrThrow(actor, workspace, project, name, 'project.read');
      const rows = await pipelines.revisions(pipeline.id);
      return {
        items: rows.map((r) => ({
          number: r.number,
          message: r.message,
          author: r.authorName,
          createdAt: r.createdAt.toISOString(),
        })),
      };
    },

    async revision(actor: Actor, workspace: string, project: string, name: string, number: number) {
      const pipeline = await findOrThrow(actor, workspace, project, name, 'project.read');
      const revision = await pipelines.revision(pipeline.id, number);
      if (!revision) throw new NotFoundError(`pipeline "${name}" has no revision ${number}`);
      return {
        number: revision.number,
        spec: revision.spec,
        message: revision.message,
        author: revision.authorName,
        createdAt: revision.createdAt.toISOString(),
      };
    },
  };
}

export type PipelinesService = ReturnType<typeof createPipelinesService>;
