import { configMapNameOf, type Release } from '@slipway/contracts';
import type { Prisma } from '@slipway/db';
import type { Actor } from '../../lib/actor.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../../lib/errors.ts';
import { RepositoryUnreadableError } from '../../lib/git-repository.ts';
import type { AccessService, ProjectRef } from '../access/access.service.ts';
import type { ProjectsService } from '../projects/projects.service.ts';
import type { ReadRepository } from './deploy-executor.ts';
import type { PromotionRepo } from './promotion.repo.ts';
import { admissionOf } from './release-admission.ts';
import { dedupeOf } from './release-idempotency.ts';
import { releaseValues, renderReleaseObjects } from './release-render.ts';
import { wasLive } from './release-rollback.ts';
import type { ReleaseInsert, ReleaseRow, ReleasesRepo } from './releases.repo.ts';
import { toRelease } from './releases.service.ts';

/** An environment a release is promoted to, with its cluster. */
export type PromotionTarget = Awaited<ReturnType<PromotionRepo['environmentsInOrder']>>[number];

/**
 * The environments a release of `source` may be promoted to: those at the lowest `order`
 * (position) above the source's in the workspace's promotion path (dev → test → prod).
 * Several environments sharing that position are all "next" (parallel stages); environments
 * sharing the source's own position are not.
 */
export function nextEnvironments<E extends { id: string; position: number }>(
  inOrder: readonly E[],
  source: { id: string; position: number },
): E[] {
  const above = inOrder.filter((e) => e.id !== source.id && e.position > source.position);
  const lowest = Math.min(...above.map((e) => e.position));
  return above.filter((e) => e.position === lowest);
}

const quoted = (names: readonly string[]) => names.map((name) => `"${name}"`).join(' or ');

/**
 * Promotion (issue #14 item 6): a release that was live in one environment deployed to
 * another as a new release there — the same image and image digest, the same manifest set
 * version (or repository path at the same commit), re-rendered with the values the source
 * was rendered with (`renderValues`) where `environment.name`, `environment.namespace`,
 * `release.number` and each `release.config.<set>` are the target's: the target
 * environment's NEWEST version of each config set the source mounted. The new release
 * (trigger `promotion`, `promotedFrom` the source) passes the target's approval policy and
 * deploy queue (`admissionOf`) like any deploy.
 */
export function createReleasePromotion(deps: {
  releases: ReleasesRepo;
  promotion: PromotionRepo;
  projects: ProjectsService;
  access: AccessService;
  /** Reads the YAML files at a path of the project's repository (a release of `deploy.path`). */
  readRepository?: ReadRepository | undefined;
  /** A release entered the environment's queue: the controller starts it when it may. */
  admit: (environmentId: string) => void;
}) {
  const { releases } = deps;

  /** The permission to deploy into `target`: `deploy.production` or `deploy.nonproduction` (403). */
  const requireDeploy = (actor: Actor, project: ProjectRef, target: PromotionTarget) =>
    deps.access.requireProject(
      actor,
      project,
      target.production ? 'deploy.production' : 'deploy.nonproduction',
    );

  /** The source's manifest files: its manifest set version, or its repository path at its commit. */
  async function filesOf(source: ReleaseRow, field: string): Promise<Record<string, string>> {
    const refuse = (message: string) =>
      new ConflictError(`release ${source.number} cannot be promoted: ${message}`, [{ field, message }]);
    if (source.manifestSetName !== null && source.manifestVersion !== null) {
      const files = await releases.manifestFiles(
        source.projectId,
        source.manifestSetName,
        source.manifestVersion,
      );
      if (!files)
        throw refuse(`manifest set "${source.manifestSetName}" v${source.manifestVersion} no longer exists`);
      return files;
    }
    if (source.manifestPath === null) throw refuse('it names neither a manifest set nor a path');
    const url = source.project.repoUrl;
    if (!url || !deps.readRepository)
      throw refuse('the project has no repository to read its manifests from');
    if (!source.commitSha)
      throw refuse(`the commit its path "${source.manifestPath}" was read at is unknown`);
    try {
      return await deps.readRepository(url, { commit: source.commitSha }, source.manifestPath);
    } catch (error) {
      if (!(error instanceof RepositoryUnreadableError)) throw error;
      throw refuse(`path "${source.manifestPath}" at ${source.commitSha.slice(0, 12)}: ${error.message}`);
    }
  }

  /**
   * Creates the promotion of `source` (a release of `project`) into `target`, as the actor:
   * checks the actor's deploy permission there (`deploy.production` / `deploy.nonproduction`,
   * 403), that the source was live once (409), that the target has a cluster (400) and a
   * version of every config set (400), then renders (409 naming file:line:column when the
   * manifests do not render for the target) and inserts it. `field` names the request field
   * that chose the target in errors (`body.environment`, `body.to`). A repeated request (its
   * Idempotency-Key, or the same user promoting the same release there while the first
   * still waits) gets the first release back (`created: false`; `release-idempotency.ts`).
   */
  async function promoteTo(
    actor: Actor,
    project: ProjectRef,
    source: ReleaseRow,
    target: PromotionTarget,
    options: { field: string; idempotencyKey?: string | undefined },
  ): Promise<{ release: ReleaseRow; created: boolean }> {
    const { field } = options;
    await requireDeploy(actor, project, target);
    if (!wasLive(source)) {
      throw new ConflictError(
        `release ${source.number} is ${source.status}: only a release that was live can be promoted`,
        [{ field: 'params.number', message: `release ${source.number} never succeeded` }],
      );
    }
    if (target.id === source.environmentId) {
      throw new BadRequestError(`release ${source.number} is in environment "${target.name}" already`, [
        { field, message: 'the release’s own environment' },
      ]);
    }
    const cluster = target.cluster;
    const namespace = target.namespace;
    if (!cluster || !namespace) {
      throw new BadRequestError(`environment "${target.name}" has no cluster to deploy to`, [
        { field, message: `environment "${target.name}" has no cluster` },
      ]);
    }
    const names = source.configs.map((c) => c.name);
    const newest = await deps.promotion.newestConfigVersions(project.id, target.id, names);
    const missing = names.filter((name) => !newest.has(name));
    if (missing.length > 0) {
      throw new BadRequestError(
        `config set${missing.length === 1 ? '' : 's'} ${quoted(missing)} ha${missing.length === 1 ? 's' : 've'} no version in environment "${target.name}": save one there before promoting`,
        missing.map((name) => ({
          field,
          message: `config set "${name}" has no version in "${target.name}"`,
        })),
      );
    }
    const configs: ReleaseInsert['configs'] = names.map((name) => {
      const version = newest.get(name) ?? { id: '', version: 0 };
      return {
        configVersionId: version.id,
        name,
        version: version.version,
        configMapName: configMapNameOf(name, version.version),
      };
    });
    const files = await filesOf(source, 'params.number');
    const stored = (source.renderValues ?? null) as Record<string, string> | null;
    // A release made before render values were stored: its image is all that is known.
    const base = stored ?? { 'release.image': source.image ?? '' };
    const admission = admissionOf({
      environment: target,
      trigger: 'promotion',
      requestedBy: { id: actor.userId, name: actor.username },
      // The same commit: whoever wrote it may not approve it here either (unless allowed).
      committerEmail: source.approval?.committerEmail ?? null,
      now: new Date(),
    });
    const from = `release ${source.number} of environment "${source.environmentName}"`;

    const promotedFrom = { environment: source.environmentName, number: source.number };
    // Asked twice (the same Idempotency-Key, or a double click while the first waits): one release.
    const dedupe = dedupeOf({
      idempotencyKey: options.idempotencyKey,
      requestedById: actor.userId,
      environmentId: target.id,
      trigger: 'promotion',
      promotedFrom,
    });
    const { release, created } = await releases.insertOnce(project.id, dedupe, (number) => {
      const values = releaseValues(base, { number, environmentName: target.name, namespace, configs });
      const rendered = renderReleaseObjects({ files, values, namespace, project: project.slug, number });
      if (rendered.problems.length > 0) {
        throw new ConflictError(
          `${from} does not render for environment "${target.name}": ${rendered.problems.join('; ')}`.slice(
            0,
            2000,
          ),
          rendered.problems.slice(0, 20).map((message) => ({ field: 'params.number', message })),
        );
      }
      return {
        environmentId: target.id,
        environmentName: target.name,
        clusterId: cluster.id,
        namespace,
        status: admission.status,
        phase: 'pending',
        trigger: 'promotion',
        promotedFrom,
        holdReason: admission.holdReason,
        approval: admission.status === 'awaiting-approval' ? admission.approval : undefined,
        renderValues: values,
        image: source.image,
        imageDigest: source.imageDigest,
        manifestSetName: source.manifestSetName,
        manifestVersion: source.manifestVersion,
        manifestPath: source.manifestPath,
        objects: rendered.objects as unknown as Prisma.InputJsonValue,
        timeoutSeconds: source.timeoutSeconds,
        commitSha: source.commitSha,
        createdById: actor.userId,
        createdByName: actor.username,
        configs,
        log: [
          `release ${number}: promoting ${from} (by ${actor.username}): image ${source.image ?? '(none)'}${
            source.imageDigest ? `@${source.imageDigest}` : ''
          }, ${rendered.objects.length} object${rendered.objects.length === 1 ? '' : 's'}${
            configs.length > 0 ? ` and ConfigMaps ${configs.map((c) => c.configMapName).join(', ')}` : ''
          } to ${namespace}`,
          ...(admission.log ? [admission.log] : []),
        ],
      };
    });
    if (created && release.status === 'queued') deps.admit(target.id);
    return { release, created };
  }

  return {
    promoteTo,

    /**
     * `POST …/releases/{number}/promote` `{ environment }`: the target must be the next
     * environment of the promotion path after the release's (400 naming `body.environment`
     * and the expected one); see `promoteTo` for the rest.
     */
    async promote(
      actor: Actor,
      workspace: string,
      projectSlug: string,
      number: number,
      body: { environment: string },
      idempotencyKey?: string | undefined,
    ): Promise<Release> {
      const project = await deps.projects.authorize(actor, workspace, projectSlug, 'project.read');
      const source = await releases.findByNumber(project.id, number);
      if (!source) throw new NotFoundError(`release ${number} not found in project "${projectSlug}"`);
      const inOrder = await deps.promotion.environmentsInOrder(project.workspaceId);
      const target = inOrder.find((e) => e.name === body.environment);
      if (!target) {
        throw new BadRequestError(`environment "${body.environment}" not found in workspace "${workspace}"`, [
          { field: 'body.environment', message: `no environment "${body.environment}"` },
        ]);
      }
      const from = inOrder.find((e) => e.id === source.environmentId);
      if (!from) throw new NotFoundError(`the environment of release ${number} no longer exists`);
      const next = nextEnvironments(inOrder, from);
      await requireDeploy(actor, project, target);
      if (!next.some((e) => e.id === target.id)) {
        const expected =
          next.length > 0
            ? `the next is ${quoted(next.map((e) => e.name))}`
            : `"${from.name}" is the last environment`;
        throw new BadRequestError(
          `environment "${target.name}" is not the next after "${from.name}" in the promotion order: ${expected}`,
          [
            {
              field: 'body.environment',
              message: `not the next environment after "${from.name}"; ${expected}`,
            },
          ],
        );
      }
      const { release } = await promoteTo(actor, project, source, target, {
        field: 'body.environment',
        idempotencyKey,
      });
      return toRelease(release);
    },
  };
}

export type ReleasePromotion = ReturnType<typeof createReleasePromotion>;
