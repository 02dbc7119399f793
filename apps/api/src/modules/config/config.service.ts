import { type ConfigEntryChange, configMapNameOf } from '@slipway/contracts';
import { isForeignKeyViolation, isUniqueViolation } from '@slipway/db';
import type { Actor } from '../../lib/actor.ts';
import { ConflictError, NotFoundError } from '../../lib/errors.ts';
import type { ProjectsService } from '../projects/projects.service.ts';
import type { ConfigEntries, ConfigLatestRow, ConfigRepo } from './config.repo.ts';

type Permission = 'project.read' | 'config.edit';

/**
 * Key by key changes from one version's entries to another's, in key order: `added` (only
 * in `to`), `removed` (only in `from`), `changed`, `unchanged`.
 */
export function diffConfig(from: ConfigEntries, to: ConfigEntries): ConfigEntryChange[] {
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  return keys.map((key) => {
    const old = Object.hasOwn(from, key) ? (from[key] ?? null) : null;
    const value = Object.hasOwn(to, key) ? (to[key] ?? null) : null;
    const change =
      old === null ? 'added' : value === null ? 'removed' : old === value ? 'unchanged' : 'changed';
    return { key, change, old, new: value };
  });
}

/** Entries in key order: how versions are returned (stored JSON keeps no order). */
function sortedEntries(data: unknown): ConfigEntries {
  return Object.fromEntries(
    Object.entries(data as ConfigEntries).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/**
 * Config sets: a project's key → value configuration, in immutable numbered versions per
 * environment, each deployed as the immutable ConfigMap `<set>-v<version>`. Reading needs
 * `project.read`, changing `config.edit`. An environment is named by its name in the
 * project's workspace (404 naming it when there is none).
 */
export function createConfigService(deps: { config: ConfigRepo; projects: ProjectsService }) {
  const { config, projects } = deps;

  async function findOrThrow(
    actor: Actor,
    workspace: string,
    project: string,
    name: string,
    permission: Permission,
  ) {
    const row = await projects.authorize(actor, workspace, project, permission);
    const set = await config.find(row.id, name);
    if (!set) throw new NotFoundError(`config set "${name}" not found in project "${project}"`);
    return { project: row, set };
  }

  async function inEnvironment(
    actor: Actor,
    workspace: string,
    project: string,
    name: string,
    environment: string,
    permission: Permission,
  ) {
    const found = await findOrThrow(actor, workspace, project, name, permission);
    const env = await config.environment(found.project.workspaceId, environment);
    if (!env)
      throw new NotFoundError(`environment "${environment}" not found in workspace "${workspace}"`, [
        { field: 'params.environment', message: `no environment "${environment}"` },
      ]);
    return { ...found, environment: env };
  }

  function toSet(
    set: { id: string; name: string; description: string | null; createdAt: Date },
    latest: readonly ConfigLatestRow[],
  ) {
    return {
      name: set.name,
      description: set.description,
      environments: latest
        .filter((row) => row.configSetId === set.id)
        .map((row) => ({
          environment: row.environment,
          latestVersion: row.version,
          updatedAt: row.createdAt.toISOString(),
          updatedBy: row.authorName,
        })),
      createdAt: set.createdAt.toISOString(),
    };
  }

  async function versionOrThrow(
    setId: string,
    name: string,
    environment: { id: string; name: string },
    version: number,
  ) {
    const row = await config.version(setId, environment.id, version);
    if (!row)
      throw new NotFoundError(
        `config set "${name}" has no version ${version} in environment "${environment.name}"`,
      );
    return row;
  }

  return {
    async list(actor: Actor, workspace: string, project: string) {
      const row = await projects.authorize(actor, workspace, project, 'project.read');
      const sets = await config.list(row.id);
      const latest = await config.latest(sets.map((s) => s.id));
      return { items: sets.map((set) => toSet(set, latest)) };
    },

    async get(actor: Actor, workspace: string, project: string, name: string) {
      const { set } = await findOrThrow(actor, workspace, project, name, 'project.read');
      return toSet(set, await config.latest([set.id]));
    },

    async create(
      actor: Actor,
      workspace: string,
      project: string,
      body: { name: string; description?: string | undefined },
    ) {
      const row = await projects.authorize(actor, workspace, project, 'config.edit');
      try {
        return toSet(await config.create(row.id, body.name, body.description ?? null), []);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new ConflictError(`config set "${body.name}" already exists in project "${project}"`, [
          { field: 'body.name', message: 'already taken' },
        ]);
      }
    },

    /** Deletes the set and all its versions; 409 while a release uses one of them. */
    async delete(actor: Actor, workspace: string, project: string, name: string) {
      const { set } = await findOrThrow(actor, workspace, project, name, 'config.edit');
      try {
        await config.delete(set.id);
      } catch (error) {
        if (!isForeignKeyViolation(error)) throw error;
        const releases = await config.releasesUsing(set.id, 5);
        const named = releases.map((r) => `${r.number} (${r.environmentName})`).join(', ');
        throw new ConflictError(
          `config set "${name}" cannot be deleted: releases deployed its versions${named ? ` (release ${named})` : ''}; they keep what they deployed`,
          [{ field: 'params.name', message: 'used by releases' }],
        );
      }
    },

    async versions(actor: Actor, workspace: string, project: string, name: string, environment: string) {
      const found = await inEnvironment(actor, workspace, project, name, environment, 'project.read');
      const rows = await config.versions(found.set.id, found.environment.id);
      return {
        items: rows.map((r) => ({
          version: r.version,
          environment: found.environment.name,
          message: r.message,
          author: r.authorName,
          createdAt: r.createdAt.toISOString(),
          keys: r.keys,
          configMapName: configMapNameOf(name, r.version),
        })),
      };
    },

    /** Saves a new version; with `baseVersion`, refuses (409) when a newer one was saved meanwhile. */
    async createVersion(
      actor: Actor,
      workspace: string,
      project: string,
      name: string,
      environment: string,
      body: { data: ConfigEntries; message?: string | undefined; baseVersion?: number | undefined },
    ) {
      const found = await inEnvironment(actor, workspace, project, name, environment, 'config.edit');
      const result = await config.addVersion(
        found.set.id,
        found.environment.id,
        body.baseVersion,
        body.data,
        {
          message: body.message ?? null,
          authorId: actor.userId,
          authorName: actor.username,
        },
      );
      if (!result) throw new NotFoundError(`config set "${name}" not found in project "${project}"`);
      if (!result.saved)
        throw new ConflictError(
          `version ${result.latest} of config set "${name}" in environment "${environment}" is the newest, not version ${body.baseVersion}, which this edit started from; reload, merge and save again`,
          [{ field: 'body.baseVersion', message: `latest is ${result.latest}` }],
        );
      return { version: result.version, configMapName: configMapNameOf(name, result.version) };
    },

    async getVersion(
      actor: Actor,
      workspace: string,
      project: string,
      name: string,
      environment: string,
      version: number,
    ) {
      const found = await inEnvironment(actor, workspace, project, name, environment, 'project.read');
      const row = await versionOrThrow(found.set.id, name, found.environment, version);
      const data = sortedEntries(row.data);
      return {
        version: row.version,
        environment: found.environment.name,
        message: row.message,
        author: row.authorName,
        createdAt: row.createdAt.toISOString(),
        keys: Object.keys(data),
        configMapName: configMapNameOf(name, row.version),
        data,
      };
    },

    async diff(
      actor: Actor,
      workspace: string,
      project: string,
      name: string,
      environment: string,
      query: { from: number; to: number },
    ) {
      const found = await inEnvironment(actor, workspace, project, name, environment, 'project.read');
      const [from, to] = await Promise.all([
        versionOrThrow(found.set.id, name, found.environment, query.from),
        versionOrThrow(found.set.id, name, found.environment, query.to),
      ]);
      return {
        from: query.from,
        to: query.to,
        entries: diffConfig(from.data as ConfigEntries, to.data as ConfigEntries),
      };
    },
  };
}

export type ConfigService = ReturnType<typeof createConfigService>;
