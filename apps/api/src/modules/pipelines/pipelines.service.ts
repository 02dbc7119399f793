import type { Pipeline } from '@slipway/contracts';
import { isUniqueViolation } from '@slipway/db';
import {
  expandPipeline,
  parsePipeline,
  pipelineJsonSchema,
  type SpecError,
  templateRefOf,
} from '@slipway/pipeline';
import { LRUCache } from 'lru-cache';
import type { Actor } from '../../lib/actor.ts';
import { ConflictError, NotFoundError } from '../../lib/errors.ts';
import { invalidSpec } from '../../lib/spec-errors.ts';
import type { ProjectsService } from '../projects/projects.service.ts';
import type { PipelinesRepo } from './pipelines.repo.ts';
import type { SealStoredParameters } from './stored-parameter-sealing.ts';

interface PipelineRow {
  id: string;
  name: string;
  currentRevision: number;
  createdAt: Date;
  updatedAt: Date;
}

/** How many checked spec texts are kept (a few hundred KiB at most; texts are ≤ 256 KiB each, usually ~1 KiB). */
const CHECKED_SPECS_KEPT = 200;

/**
 * The errors of recently checked specs: every Run request checks its pipeline's current
 * revision again, and parsing (YAML, schema, rules) costs milliseconds. The result depends
 * only on the text and the gate roles known in the workspace, which form the key, so an
 * entry never needs invalidating.
 */
function createCheckedSpecs() {
  const cache = new LRUCache<string, SpecError[]>({ max: CHECKED_SPECS_KEPT });
  return {
    errorsOf(text: string, roles: readonly string[]): SpecError[] {
      const key = `${JSON.stringify(roles)}\n${text}`;
      const cached = cache.get(key);
      if (cached) return cached;
      const { errors } = parsePipeline(text, { roles });
      cache.set(key, errors);
      return errors;
    },
  };
}

export function createPipelinesService(deps: {
  pipelines: PipelinesRepo;
  projects: ProjectsService;
  /** The text of a template version, or null when there is no such template or version. */
  resolveTemplate: (workspaceId: string, name: string, version: number) => Promise<string | null>;
  /** The roles an approval gate may name in the workspace (built-in and custom). */
  gateRoles: (workspaceId: string) => Promise<string[]>;
  /** Seals stored schedule/webhook values of parameters a saved revision makes secret (same transaction). */
  sealStoredParameters?: SealStoredParameters | undefined;
}) {
  const { pipelines, projects } = deps;
  const checkedSpecs = createCheckedSpecs();
  let jsonSchema: Record<string, unknown> | undefined;

  /** Validates a spec; one that `uses` a template is checked in its expanded form. */
  async function check(workspaceId: string, text: string) {
    const ref = templateRefOf(text);
    const options = { roles: await deps.gateRoles(workspaceId) };
    if (!ref) return { ref: null, expanded: null, errors: checkedSpecs.errorsOf(text, options.roles) };
    const template = await deps.resolveTemplate(workspaceId, ref.name, ref.version);
    if (!template) {
      const line = text.split('\n').findIndex((l) => /^uses\s*:/.test(l)) + 1;
      const error: SpecError = {
        line: Math.max(line, 1),
        column: 1,
        path: 'uses',
        message: `no pipeline template ${ref.name} with version ${ref.version} in this workspace`,
      };
      return { ref, expanded: null, errors: [error] };
    }
    const result = expandPipeline(text, template, options);
    return { ref, expanded: result.expanded ?? null, errors: result.errors };
  }

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
    return { project: row, pipeline };
  }

  async function current(workspaceId: string, pipeline: PipelineRow): Promise<Pipeline> {
    const revision = await pipelines.revision(pipeline.id, pipeline.currentRevision);
    if (!revision) throw new Error(`pipeline ${pipeline.id} has no revision ${pipeline.currentRevision}`);
    const checked = templateRefOf(revision.spec) ? await check(workspaceId, revision.spec) : null;
    return {
      name: pipeline.name,
      revision: revision.number,
      spec: revision.spec,
      template: checked?.ref ?? null,
      expanded: checked?.expanded ?? null,
      createdAt: pipeline.createdAt.toISOString(),
      updatedAt: revision.createdAt.toISOString(),
      updatedBy: revision.authorName,
    };
  }

  const service = {
    jsonSchema() {
      jsonSchema ??= pipelineJsonSchema();
      return jsonSchema;
    },

    async validate(actor: Actor, workspace: string, project: string, spec: string) {
      const row = await projects.authorize(actor, workspace, project, 'project.read');
      const { errors } = await check(row.workspaceId, spec);
      return { valid: errors.length === 0, errors };
    },

    async list(actor: Actor, workspace: string, project: string) {
      const row = await projects.authorize(actor, workspace, project, 'project.read');
      const items = await pipelines.list(row.id);
      return {
        items: items.map((p) => ({
          name: p.name,
          revision: p.currentRevision,
          // Not the row's updatedAt: starting a run bumps it (its build counter).
          updatedAt: (p.revisions[0]?.createdAt ?? p.updatedAt).toISOString(),
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
      const { errors, ref, expanded } = await check(row.workspaceId, body.spec);
      if (errors.length > 0) throw invalidSpec(errors);
      try {
        const pipeline = await pipelines.transaction(async (tx) => {
          const created = await pipelines.create({ projectId: row.id, name: body.name, template: ref }, tx);
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
          // Webhooks of a pipeline deleted and created again under this name keep their values.
          const saved = { projectId: row.id, pipelineId: created.id, pipelineName: created.name };
          await deps.sealStoredParameters?.(saved, expanded ?? body.spec, tx);
          return created;
        });
        return current(row.workspaceId, pipeline);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError(`pipeline "${body.name}" already exists in project "${project}"`, [
            { field: 'body.name', message: 'already taken' },
          ]);
        }
        throw error;
      }
    },

    /**
     * What a run of the pipeline runs: the project (checked for `permission`), the pipeline,
     * its current revision and that revision's spec expanded (templates resolved) and parsed.
     */
    async forRun(
      actor: Actor,
      workspace: string,
      project: string,
      name: string,
      permission: 'project.read' | 'pipeline.run',
    ) {
      const row = await projects.authorize(actor, workspace, project, permission);
      const pipeline = await pipelines.find(row.id, name);
      if (!pipeline) throw new NotFoundError(`pipeline "${name}" not found in project "${project}"`);
      const revision = await pipelines.revision(pipeline.id, pipeline.currentRevision);
      if (!revision) throw new Error(`pipeline ${pipeline.id} has no revision ${pipeline.currentRevision}`);
      const checked = await check(row.workspaceId, revision.spec);
      const text = checked.expanded ?? revision.spec;
      return { project: row, pipeline, revision: revision.number, text, errors: checked.errors };
    },

    async get(actor: Actor, workspace: string, project: string, name: string) {
      const found = await findOrThrow(actor, workspace, project, name, 'project.read');
      return current(found.project.workspaceId, found.pipeline);
    },

    /** Saves a new revision; refuses to overwrite a revision saved by someone else meanwhile. */
    async update(
      actor: Actor,
      workspace: string,
      project: string,
      name: string,
      body: { spec: string; baseRevision: number; message?: string | undefined },
    ) {
      const { project: row, pipeline } = await findOrThrow(actor, workspace, project, name, 'pipeline.edit');
      const { errors, ref, expanded } = await check(row.workspaceId, body.spec);
      if (errors.length > 0) throw invalidSpec(errors);
      const conflict = (latest: number) =>
        new ConflictError(
          `revision ${latest} was saved after revision ${body.baseRevision}, which this edit started from; reload, merge and save again`,
          [{ field: 'body.baseRevision', message: `latest is ${latest}` }],
        );
      if (body.baseRevision !== pipeline.currentRevision) throw conflict(pipeline.currentRevision);
      const saved = await pipelines.transaction(async (tx) => {
        if (!(await pipelines.advance(pipeline.id, body.baseRevision, ref, tx))) return false;
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
        const saved = { projectId: row.id, pipelineId: pipeline.id, pipelineName: pipeline.name };
        await deps.sealStoredParameters?.(saved, expanded ?? body.spec, tx);
        return true;
      });
      const latest = await findOrThrow(actor, workspace, project, name, 'project.read');
      if (!saved) throw conflict(latest.pipeline.currentRevision);
      return current(row.workspaceId, latest.pipeline);
    },

    /**
     * Restores revision `number`: saves a NEW revision (baseRevision + 1) whose spec is that
     * revision's, checked and conflict-guarded exactly as a save (400 when the old spec no
     * longer validates, e.g. its template version is gone; 409 when someone saved meanwhile).
     */
    async restore(
      actor: Actor,
      workspace: string,
      project: string,
      name: string,
      number: number,
      body: { baseRevision: number; message?: string | undefined },
    ) {
      const { pipeline } = await findOrThrow(actor, workspace, project, name, 'pipeline.edit');
      const old = await pipelines.revision(pipeline.id, number);
      if (!old) throw new NotFoundError(`pipeline "${name}" has no revision ${number}`);
      return service.update(actor, workspace, project, name, {
        spec: old.spec,
        baseRevision: body.baseRevision,
        message: body.message ?? `Restore revision ${number}`,
      });
    },

    async delete(actor: Actor, workspace: string, project: string, name: string) {
      const { pipeline } = await findOrThrow(actor, workspace, project, name, 'pipeline.edit');
      await pipelines.delete(pipeline.id);
    },

    async revisions(actor: Actor, workspace: string, project: string, name: string) {
      const { pipeline } = await findOrThrow(actor, workspace, project, name, 'project.read');
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
      const { pipeline } = await findOrThrow(actor, workspace, project, name, 'project.read');
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
  return service;
}

export type PipelinesService = ReturnType<typeof createPipelinesService>;
