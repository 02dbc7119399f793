import { isUniqueViolation } from '@slipway/db';
import { parseTemplate } from '@slipway/pipeline';
import type { Actor } from '../../lib/actor.ts';
import { ConflictError, NotFoundError } from '../../lib/errors.ts';
import { invalidSpec } from '../../lib/spec-errors.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import type { TemplatesRepo } from './templates.repo.ts';

export function createTemplatesService(deps: {
  templates: TemplatesRepo;
  workspaces: WorkspacesService;
  /** The roles an approval gate may name in the workspace (built-in and custom). */
  gateRoles: (workspaceId: string) => Promise<string[]>;
}) {
  const { templates, workspaces } = deps;

  async function details(
    workspaceId: string,
    template: NonNullable<Awaited<ReturnType<TemplatesRepo['find']>>>,
  ) {
    const [latest, versions, usages] = await Promise.all([
      templates.version(template.id, template.latestVersion),
      templates.versions(template.id),
      templates.usages(workspaceId, template.name),
    ]);
    return {
      name: template.name,
      description: template.description,
      latestVersion: template.latestVersion,
      updatedAt: template.updatedAt.toISOString(),
      inputs: latest ? parseTemplate(latest.spec).inputs : [],
      versions: versions.map((v) => ({
        number: v.number,
        author: v.authorName,
        createdAt: v.createdAt.toISOString(),
      })),
      usages: usages.map((u) => ({
        project: u.project.slug,
        pipeline: u.name,
        version: u.templateVersion ?? 0,
      })),
    };
  }

  async function findOrThrow(workspaceId: string, name: string) {
    const template = await templates.find(workspaceId, name);
    if (!template) throw new NotFoundError(`pipeline template "${name}" not found`);
    return template;
  }

  return {
    /**
     * A template Slipway ships (the import starters), published as version 1 when the
     * workspace has none of that name; otherwise the workspace's latest version is used and
     * nothing changes. The text is Slipway's, not the caller's, so this checks no permission:
     * the caller decides who may trigger it.
     */
    async ensureBuiltIn(
      workspaceId: string,
      template: { name: string; description: string; spec: string },
      authorName: string,
    ): Promise<{ version: number; spec: string; published: boolean }> {
      const latest = async () => {
        const found = await templates.find(workspaceId, template.name);
        const version = found ? await templates.version(found.id, found.latestVersion) : null;
        return version ? { version: version.number, spec: version.spec, published: false } : null;
      };
      const existing = await latest();
      if (existing) return existing;
      try {
        await templates.transaction(async (tx) => {
          const created = await templates.create(
            { workspaceId, name: template.name, description: template.description },
            tx,
          );
          await templates.addVersion(
            { templateId: created.id, number: 1, spec: template.spec, authorName },
            tx,
          );
        });
        return { version: 1, spec: template.spec, published: true };
      } catch (error) {
        // Another import published it at the same moment: use theirs.
        const raced = isUniqueViolation(error) ? await latest() : null;
        if (raced) return raced;
        throw error;
      }
    },

    /** The text of one template version, for expanding a pipeline that uses it. */
    async resolve(workspaceId: string, name: string, version: number): Promise<string | null> {
      const template = await templates.find(workspaceId, name);
      return template ? ((await templates.version(template.id, version))?.spec ?? null) : null;
    },

    async list(actor: Actor, workspace: string) {
      const ws = await workspaces.authorize(actor, workspace, 'workspace.read');
      return {
        items: (await templates.list(ws.id)).map((t) => ({
          name: t.name,
          description: t.description,
          latestVersion: t.latestVersion,
          updatedAt: t.updatedAt.toISOString(),
        })),
      };
    },

    async get(actor: Actor, workspace: string, name: string) {
      const ws = await workspaces.authorize(actor, workspace, 'workspace.read');
      return details(ws.id, await findOrThrow(ws.id, name));
    },

    async create(
      actor: Actor,
      workspace: string,
      body: { name: string; description?: string | undefined; spec: string },
    ) {
      const ws = await workspaces.authorize(actor, workspace, 'workspace.templates.manage');
      const { errors } = parseTemplate(body.spec, { roles: await deps.gateRoles(ws.id) });
      if (errors.length > 0) throw invalidSpec(errors);
      try {
        const template = await templates.transaction(async (tx) => {
          const created = await templates.create(
            { workspaceId: ws.id, name: body.name, description: body.description ?? null },
            tx,
          );
          await templates.addVersion(
            { templateId: created.id, number: 1, spec: body.spec, authorName: actor.username },
            tx,
          );
          return created;
        });
        return details(ws.id, template);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError(`pipeline template "${body.name}" already exists`, [
            { field: 'body.name', message: 'already taken' },
          ]);
        }
        throw error;
      }
    },

    async publish(actor: Actor, workspace: string, name: string, spec: string) {
      const ws = await workspaces.authorize(actor, workspace, 'workspace.templates.manage');
      const template = await findOrThrow(ws.id, name);
      const { errors, inputs } = parseTemplate(spec, { roles: await deps.gateRoles(ws.id) });
      if (errors.length > 0) throw invalidSpec(errors);
      const version = await templates.transaction(async (tx) => {
        const number = await templates.nextVersion(template.id, tx);
        return templates.addVersion(
          { templateId: template.id, number, spec, authorName: actor.username },
          tx,
        );
      });
      return {
        number: version.number,
        spec,
        inputs,
        author: version.authorName,
        createdAt: version.createdAt.toISOString(),
      };
    },

    async version(actor: Actor, workspace: string, name: string, number: number) {
      const ws = await workspaces.authorize(actor, workspace, 'workspace.read');
      const template = await findOrThrow(ws.id, name);
      const version = await templates.version(template.id, number);
      if (!version) throw new NotFoundError(`pipeline template "${name}" has no version ${number}`);
      return {
        number: version.number,
        spec: version.spec,
        inputs: parseTemplate(version.spec).inputs,
        author: version.authorName,
        createdAt: version.createdAt.toISOString(),
      };
    },
  };
}

export type TemplatesService = ReturnType<typeof createTemplatesService>;
