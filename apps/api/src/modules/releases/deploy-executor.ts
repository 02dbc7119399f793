import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { configMapNameOf, DeployPinsSchema, FINISHED_RELEASE_STATUSES } from '@slipway/contracts';
import type { Prisma } from '@slipway/db';
import { parseRunRef } from '@slipway/pipeline';
import { RepositoryUnreadableError } from '../../lib/git-repository.ts';
import type { Executor, JobDispatch, JobObservation, JobRef } from '../runs/engine/executor.ts';
import { admissionOf } from './release-admission.ts';
import type { ReleaseController } from './release-controller.ts';
import { releaseValues, renderReleaseObjects } from './release-render.ts';
import { AUTO_ROLLBACK_PREFIX } from './release-rollback.ts';
import type { ReleaseInsert, ReleaseRow, ReleasesRepo } from './releases.repo.ts';

/** Reads the YAML files at `path` of a repository, at a commit or a branch's head. */
export type ReadRepository = (
  url: string,
  at: { commit?: string | undefined; branch?: string | undefined },
  path: string,
) => Promise<Record<string, string>>;

/** How often a deploy log being streamed looks for new lines, ms. */
const LOG_POLL_MS = 300;

/** `${{ name }}` in the spec's own syntax. */
const EXPRESSION = /\$\{\{\s*([^}]*?)\s*\}\}/g;

/** Fills `${{ }}` expressions from `values`; the names missing are returned too. */
export function fillExpressions(
  template: string,
  values: Readonly<Record<string, string>>,
): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = template.replace(EXPRESSION, (whole, name: string) => {
    const found = values[name];
    if (found === undefined) missing.push(name);
    return found ?? whole;
  });
  return { value, missing };
}

/**
 * The executor of pipeline jobs of kind `deploy` (executor column `deploy`): the engine
 * dispatches, observes, stops and reads the logs of a deploy job through it as it does a
 * container job's, while the release controller does the deploying.
 *
 * - `start` creates the release of the job attempt (one per attempt: `releases.job_run_id`
 *   is unique, so a start repeated after a crash adopts it) from the run's deploy pins, the
 *   planned deploy and the run's variable values, rendered at once; manifests that do not
 *   render make a `failed` release naming file and line:column, nothing applied.
 * - `observe` maps the release's status to the job and its one step.
 * - `openLog` streams the release's deploy log as the step's log bytes.
 * - `stop` fails a deploying release ("cancelled"); `release` has nothing to clean up.
 * - `watch` is told by the controller whenever a release of a run changes.
 */
export function createDeployExecutor(deps: {
  releases: ReleasesRepo;
  controller: () => ReleaseController;
  /** Reads the YAML files at a path of the project's repository (`deploy.path`). */
  readRepository?: ReadRepository | undefined;
  /**
   * The e-mail of a commit's author (null: none), so a policy that forbids self-approval also
   * excludes whoever committed the change; read only when the environment needs approvals.
   */
  commitAuthor?: ((url: string, commit: string) => Promise<string | null>) | undefined;
}) {
  const { releases } = deps;
  const listeners = new Set<(runId: string) => void>();

  async function releaseOf(job: JobRef): Promise<ReleaseRow | null> {
    return job.jobRunId ? releases.findByJobRun(job.jobRunId) : null;
  }

  /**
   * The commit author's e-mail when the environment's policy needs approvals and forbids
   * self-approval (null otherwise, or when the repository cannot be read: the starter is
   * still excluded, and the deploy is never held up by git).
   */
  async function committerOf(
    environment: { requiredApprovals: number; allowSelfApproval: boolean } | null,
    repoUrl: string | null,
    commit: string | null,
  ): Promise<string | null> {
    if (!environment || environment.requiredApprovals <= 0 || environment.allowSelfApproval) return null;
    if (!repoUrl || !commit || !deps.commitAuthor) return null;
    return deps.commitAuthor(repoUrl, commit).catch(() => null);
  }

  async function create(job: JobDispatch): Promise<ReleaseRow> {
    const deploy = job.deploy;
    if (!deploy) throw new Error(`job ${job.externalName} is no deploy job`);
    const run = await releases.runOf(job.labels.runId);
    if (!run) throw new Error(`run ${job.labels.runId} not found`);
    const environment = run.environment;
    const pins = DeployPinsSchema.safeParse(run.deployPins ?? { manifestSets: {}, configSets: {} });
    const problems: string[] = [];
    if (!pins.success) problems.push('the run has no valid deploy pins');
    const pinned = pins.success ? pins.data : { manifestSets: {}, configSets: {} };
    if (!environment?.cluster || !environment.namespace) {
      problems.push(`environment "${run.environmentName}" has no cluster`);
    }
    // Manifests: the pinned version of the manifest set (repository paths are not read yet).
    let files: Record<string, string> = {};
    const setName = deploy.planned.manifests;
    const setVersion = setName !== undefined ? pinned.manifestSets[setName] : undefined;
    if (setName !== undefined) {
      const found =
        setVersion !== undefined
          ? await releases.manifestFiles(run.pipeline.projectId, setName, setVersion)
          : null;
      if (found) files = found;
      else problems.push(`manifest set "${setName}" has no pinned version`);
    } else if (deploy.planned.path !== undefined) {
      const repoUrl = run.pipeline.project.repoUrl;
      if (!repoUrl || !deps.readRepository) {
        problems.push(`deploy.path "${deploy.planned.path}": the project has no repository to read it from`);
      } else {
        try {
          files = await deps.readRepository(
            repoUrl,
            { commit: run.commitSha ?? undefined, branch: parseRunRef(run.ref).name },
            deploy.planned.path,
          );
        } catch (error) {
          if (!(error instanceof RepositoryUnreadableError)) throw error;
          problems.push(`deploy.path "${deploy.planned.path}": ${error.message}`);
        }
      }
    }
    const configs: ReleaseInsert['configs'] = [];
    for (const name of deploy.planned.config) {
      const pin = pinned.configSets[name];
      if (!pin) {
        problems.push(`config set "${name}" has no version in environment "${run.environmentName}"`);
        continue;
      }
      configs.push({
        configVersionId: pin.id,
        name,
        version: pin.version,
        configMapName: configMapNameOf(name, pin.version),
      });
    }
    const image = fillExpressions(deploy.planned.image ?? '', deploy.values);
    for (const name of image.missing) problems.push(`deploy.image: unknown expression \${{ ${name} }}`);
    const namespace = environment?.namespace ?? '';

    const committerEmail = await committerOf(environment, run.pipeline.project.repoUrl, run.commitSha);
    return releases.insert(run.pipeline.projectId, (number) => {
      const values = releaseValues(
        { ...deploy.values, 'release.image': image.value },
        { number, environmentName: run.environmentName, namespace, configs },
      );
      const rendered =
        problems.length === 0
          ? renderReleaseObjects({ files, values, namespace, project: job.labels.project, number })
          : { objects: [], problems: [] };
      const all = [...problems, ...rendered.problems];
      const objects = rendered.objects;
      const failed = all.length > 0;
      const now = new Date();
      const admission =
        !failed && environment
          ? admissionOf({
              environment,
              trigger: 'run',
              requestedBy: { id: run.triggeredById, name: run.triggeredByName },
              committerEmail,
              now,
            })
          : null;
      return {
        environmentId: environment?.id ?? null,
        environmentName: run.environmentName,
        clusterId: environment?.cluster?.id ?? null,
        namespace,
        status: failed ? 'failed' : (admission?.status ?? 'failed'),
        phase: failed ? 'done' : 'pending',
        trigger: 'run',
        holdReason: admission?.holdReason ?? null,
        approval: admission?.status === 'awaiting-approval' ? admission.approval : undefined,
        renderValues: values,
        message: failed ? `not deployed, nothing applied: ${all.join('; ')}`.slice(0, 4000) : null,
        image: image.value || null,
        imageDigest: deploy.digests?.[image.value] ?? null,
        manifestSetName: setName ?? null,
        manifestVersion: setVersion ?? null,
        manifestPath: deploy.planned.path ?? null,
        objects: objects as unknown as Prisma.InputJsonValue,
        timeoutSeconds: deploy.planned.timeoutSeconds,
        runId: run.id,
        jobRunId: deploy.jobRunId,
        pipelineName: run.pipeline.name,
        runNumber: run.number,
        commitSha: run.commitSha,
        createdById: run.triggeredById,
        createdByName: run.triggeredByName,
        ...(failed ? { startedAt: now, finishedAt: now } : {}),
        configs,
        log: failed
          ? [...all.map((problem) => `refused: ${problem}`), 'release failed: nothing was applied']
          : [
              `release ${number}: deploying ${objects.length} object${objects.length === 1 ? '' : 's'}${
                configs.length > 0
                  ? ` and ${configs.length} ConfigMap${configs.length === 1 ? '' : 's'} (${configs.map((c) => c.configMapName).join(', ')})`
                  : ''
              } to ${namespace}`,
              ...(admission?.log ? [admission.log] : []),
            ],
      };
    });
  }

  const executor: Executor = {
    kind: 'deploy',

    async start(job) {
      const release = await create(job);
      if (release.status === 'queued' && release.environmentId)
        deps.controller().admit(release.environmentId);
      for (const listener of listeners) listener(job.labels.runId);
    },

    async observe(job): Promise<JobObservation> {
      const release = await releaseOf(job);
      if (!release) return { state: 'missing', steps: [] };
      const startedAt = release.startedAt ?? release.createdAt;
      if (release.status === 'awaiting-approval' || release.status === 'queued') {
        return {
          state: 'running',
          message: `release ${release.number}: ${release.holdReason ?? release.status}`,
          steps: [{ status: 'running', startedAt: release.createdAt }],
        };
      }
      if (release.status === 'deploying') {
        return { state: 'running', steps: [{ status: 'running', startedAt }] };
      }
      const finishedAt = release.finishedAt ?? undefined;
      // A rollout that failed and was rolled back automatically failed the deploy all the same.
      const undone = release.status === 'rolled-back' && release.message?.startsWith(AUTO_ROLLBACK_PREFIX);
      if (release.status === 'failed' || release.status === 'rejected' || undone) {
        const message = undone
          ? `release ${release.number} failed and was ${release.message}`
          : `release ${release.number} ${release.status === 'rejected' ? 'was rejected' : 'failed'}: ${release.message ?? 'failed'}`;
        return {
          state: 'failed',
          message,
          steps: [{ status: 'failed', exitCode: 1, startedAt, finishedAt }],
        };
      }
      return {
        state: 'succeeded',
        steps: [{ status: 'succeeded', exitCode: 0, result: String(release.number), startedAt, finishedAt }],
      };
    },

    async stop(job) {
      const release = await releaseOf(job);
      if (release?.status === 'awaiting-approval' || release?.status === 'queued') {
        await releases.endWaiting(release.id, { status: 'failed', message: 'cancelled' }, [
          'release failed: cancelled before it deployed',
        ]);
        if (release.environmentId) deps.controller().admit(release.environmentId);
        return;
      }
      if (release?.status !== 'deploying') return;
      await releases.step(
        release.id,
        { status: 'failed', phase: 'done', message: 'cancelled', finishedAt: new Date() },
        ['release failed: cancelled'],
      );
    },

    async openLog(job, _stepIndex, fromByte, isFinished) {
      const release = await releaseOf(job);
      if (!release) return null;
      const releaseId = release.id;
      // Destroying the stream (the engine stopping) must end it at once: a generator waiting
      // for the next line would hold Readable.from's destroy until the release finished.
      let stopped = false;
      async function* lines() {
        let after = 0;
        let position = 0;
        while (!stopped) {
          const batch = await releases.logAfter(releaseId, after);
          for (const line of batch) {
            after = line.seq;
            const bytes = Buffer.from(`${line.text}\n`);
            const end = position + bytes.length;
            if (end > fromByte) yield position >= fromByte ? bytes : bytes.subarray(fromByte - position);
            position = end;
          }
          if (batch.length > 0) continue;
          const current = await releases.findById(releaseId);
          const done =
            !current || FINISHED_RELEASE_STATUSES.includes(current.status as never) || isFinished();
          if (done && (await releases.logAfter(releaseId, after, 1)).length === 0) return;
          await sleep(LOG_POLL_MS);
        }
      }
      const stream = new Readable({
        read() {},
        destroy(error, callback) {
          stopped = true;
          callback(error);
        },
      });
      void (async () => {
        try {
          for await (const bytes of lines()) {
            if (stopped) return;
            stream.push(bytes);
          }
          if (!stopped) stream.push(null);
        } catch (error) {
          if (!stopped) stream.destroy(error as Error);
        }
      })();
      return stream;
    },

    async release() {},

    watch(onRun) {
      listeners.add(onRun);
      return () => listeners.delete(onRun);
    },
  };

  return {
    executor,
    /** Tells the engine that a release of this run changed. */
    changed(runId: string): void {
      for (const listener of listeners) listener(runId);
    },
  };
}

export type DeployExecutor = ReturnType<typeof createDeployExecutor>;
