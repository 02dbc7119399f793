import type { ManifestProblem } from '@slipway/contracts';
import { isUniqueViolation } from '@slipway/db';
import { type ManifestObject, parseManifests } from '@slipway/manifests';
import type { Actor } from '../../lib/actor.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../../lib/errors.ts';
import type { ProjectsService } from '../projects/projects.service.ts';
import type { ManifestFileMap, ManifestsRepo } from './manifests.repo.ts';

/**
 * Checks objects against an environment's cluster without changing it (server-side dry run);
 * the problems found, each at its object's file and line. Throws the API's errors for an
 * unknown environment (404) or one without a cluster (400).
 */
export type ManifestDryRun = (
  workspaceId: string,
  environment: string,
  objects: ManifestObject[],
) => Promise<ManifestProblem[]>;

/**
 * A 400 for manifest files: every problem, each naming `body.files.<path>` with its
 * line:column (and the object's field path when there is one).
 */
export function invalidManifests(problems: ManifestProblem[]): BadRequestError {
  const describe = (p: ManifestProblem) =>
    `${p.file}:${p.line}:${p.column} ${p.path ? `${p.path}: ` : ''}${p.message}`;
  return new BadRequestError(
    `the manifests have ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems
      .slice(0, 3)
      .map(describe)
      .join('; ')}${problems.length > 3 ? '; …' : ''}`,
    problems.map((p) => ({
      field: `body.files.${p.file}`,
      message: `${p.line}:${p.column} ${p.path ? `${p.path}: ` : ''}${p.message}`,
      line: p.line,
      column: p.column,
      ...(p.path ? { path: p.path } : {}),
    })),
  );
}

/** Files in path order: how versions are returned (stored JSON keeps no order). */
function sortedFiles(files: unknown): ManifestFileMap {
  const entries = Object.entries(files as ManifestFileMap).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}

/**
 * Manifest sets: a project's Kubernetes YAML in immutable numbered versions. Reading needs
 * `project.read`, changing `config.edit`; a save whose files do not parse (YAML, objects,
 * placeholders; see `parseManifests`) is refused with 400 and nothing is stored.
 */
export function createManifestsService(deps: {
  manifests: ManifestsRepo;
  projects: ProjectsService;
  /** The cluster check of `validate` with an environment; absent: only the files are checked. */
  dryRun?: ManifestDryRun;
}) {
  const { manifests, projects } = deps;

  async function findOrThrow(
    actor: Actor,
    workspace: string,
    project: string,
    name: string,
    permission: 'project.read' | 'config.edit',
  ) {
    const row = await projects.authorize(actor, workspace, project, permission);
    const set = await manifests.find(row.id, name);
    if (!set) throw new NotFoundError(`manifest set "${name}" not found in project "${project}"`);
    return { project: row, set };
  }

  function checked(files: ManifestFileMap) {
    const { problems } = parseManifests(files);
    if (problems.length > 0) throw invalidManifests(problems);
  }

  const author = (actor: Actor, message: string | undefined) => ({
    message: message ?? null,
    authorId: actor.userId,
    authorName: actor.username,
  });

  const toSet = (set: NonNullable<Awaited<ReturnType<ManifestsRepo['find']>>>) => ({
    name: set.name,
    latestVersion: set.latestVersion,
    createdAt: set.createdAt.toISOString(),
    updatedAt: set.updatedAt.toISOString(),
    updatedBy: set.updatedBy,
  });

  return {
    async list(actor: Actor, workspace: string, project: string) {
      const row = await projects.authorize(actor, workspace, project, 'project.read');
      return { items: (await manifests.list(row.id)).map(toSet) };
    },

    async get(actor: Actor, workspace: string, project: string, name: string) {
      return toSet((await findOrThrow(actor, workspace, project, name, 'project.read')).set);
    },

    async create(
      actor: Actor,
      workspace: string,
      project: string,
      body: { name: string; files: ManifestFileMap; message?: string | undefined },
    ) {
      const row = await projects.authorize(actor, workspace, project, 'config.edit');
      checked(body.files);
      try {
        await manifests.create(row.id, body.name, body.files, author(actor, body.message));
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new ConflictError(`manifest set "${body.name}" already exists in project "${project}"`, [
          { field: 'body.name', message: 'already taken' },
        ]);
      }
      return { name: body.name, version: 1 };
    },

    /** Saves a new version; with `baseVersion`, refuses (409) when a newer one was saved meanwhile. */
    async createVersion(
      actor: Actor,
      workspace: string,
      project: string,
      name: string,
      body: { files: ManifestFileMap; message?: string | undefined; baseVersion?: number | undefined },
    ) {
      const { set } = await findOrThrow(actor, workspace, project, name, 'config.edit');
      checked(body.files);
      const conflict = (latest: number) =>
        new ConflictError(
          `version ${latest} of manifest set "${name}" was saved after version ${body.baseVersion}, which this edit started from; reload, merge and save again`,
          [{ field: 'body.baseVersion', message: `latest is ${latest}` }],
        );
      if (body.baseVersion !== undefined && body.baseVersion !== set.latestVersion) {
        if (body.baseVersion > set.latestVersion)
          throw new BadRequestError(`manifest set "${name}" has no version ${body.baseVersion}`, [
            { field: 'body.baseVersion', message: `latest is ${set.latestVersion}` },
          ]);
        throw conflict(set.latestVersion);
      }
      const version = await manifests.addVersion(
        set.id,
        body.baseVersion,
        body.files,
        author(actor, body.message),
      );
      if (version === null) {
        const latest = await manifests.find(set.projectId, name);
        if (!latest) throw new NotFoundError(`manifest set "${name}" not found in project "${project}"`);
        throw conflict(latest.latestVersion);
      }
      return { version };
    },

    async versions(actor: Actor, workspace: string, project: string, name: string) {
      const { set } = await findOrThrow(actor, workspace, project, name, 'project.read');
      const rows = await manifests.versions(set.id);
      return {
        items: rows.map((r) => ({
          version: r.version,
          message: r.message,
          author: r.authorName,
          createdAt: r.createdAt.toISOString(),
          paths: r.paths,
        })),
      };
    },

    async getVersion(actor: Actor, workspace: string, project: string, name: string, version: number) {
      const { set } = await findOrThrow(actor, workspace, project, name, 'project.read');
      const row = await manifests.version(set.id, version);
      if (!row) throw new NotFoundError(`manifest set "${name}" has no version ${version}`);
      const files = sortedFiles(row.files);
      return {
        version: row.version,
        message: row.message,
        author: row.authorName,
        createdAt: row.createdAt.toISOString(),
        paths: Object.keys(files),
        files,
      };
    },

    async delete(actor: Actor, workspace: string, project: string, name: string) {
      const { set } = await findOrThrow(actor, workspace, project, name, 'config.edit');
      await manifests.delete(set.id);
    },

    /**
     * Checks files without saving: YAML, objects, placeholders; with `environment` also a
     * server-side dry run of every object on that environment's cluster (when the objects parse).
     */
    async validate(
      actor: Actor,
      workspace: string,
      project: string,
      body: { files: ManifestFileMap; environment?: string | undefined },
    ) {
      const row = await projects.authorize(actor, workspace, project, 'project.read');
      const { objects, problems } = parseManifests(body.files);
      if (problems.length === 0 && body.environment !== undefined && deps.dryRun)
        problems.push(...(await deps.dryRun(row.workspaceId, body.environment, objects)));
      return { valid: problems.length === 0, problems };
    },
  };
}

export type ManifestsService = ReturnType<typeof createManifestsService>;
