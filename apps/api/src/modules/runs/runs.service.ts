import { randomUUID } from 'node:crypto';
import {
  ACTIVE_RUN_STATUSES,
  type CreateRunBody,
  type Permission,
  type Run,
  type RunSummary,
} from '@slipway/contracts';
import { isForeignKeyViolation, isUniqueViolation } from '@slipway/db';
import {
  approvalsOf,
  formatRunRef,
  invalidRunRef,
  type PipelineSpec,
  PlanError,
  type PlannedJob,
  parseRunRef,
  planRun,
  refVariables,
  resolveRunParameters,
  unrunnableReason,
} from '@slipway/pipeline';
import canonicalize from 'canonicalize';
import type { Actor } from '../../lib/actor.ts';
import { noteChanges } from '../../lib/audit-note.ts';
import { numberCursorKey } from '../../lib/cursor.ts';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnprocessableEntityError,
} from '../../lib/errors.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import { invalidSpec } from '../../lib/spec-errors.ts';
import { SECRET_PARAMETER_MASK } from '../../lib/stored-parameters.ts';
import type { AccessService, ProjectRef } from '../access/access.service.ts';
import type { EnvironmentsRepo } from '../environments/environments.repo.ts';
import type { PipelinesService } from '../pipelines/pipelines.service.ts';
import { createDeployPinsRepo, type DeployPinsRepo } from './deploy-pins.repo.ts';
import { pinDeploys } from './deploy-pins.ts';
import { type CredentialResolver, credentialsOfRun } from './engine/run-credentials.ts';
import { type GateRefusal, gateRefusal } from './gate-decisions.ts';
import {
  environmentRefusal,
  environmentRunPermission,
  manualJobsOf,
  type PlayRefusal,
  playRefusal,
} from './manual-jobs.ts';
import { CHECKOUT_STEP, parseRunSpec } from './run-spec.ts';
import { formatCursor } from './run-stream.ts';
import { type GateCaller, latestAttempts, type PlayCaller, toRun, toRunSummary } from './run-view.ts';
import type { NewJobRun, RunsRepo, RunWithJobs } from './runs.repo.ts';

export interface StartRunInput {
  releaseType: string;
  environment: string;
  parameters: Record<string, string | number | boolean>;
  /** A branch (`main`, `refs/heads/main`) or a tag (`refs/tags/v1`); see git-ref.ts. */
  ref?: string | undefined;
  /** The commit that triggered the run (a webhook's push); otherwise the checkout records it. */
  commit?: string | undefined;
  trigger: 'manual' | 'webhook' | 'retry' | 'schedule';
  idempotencyKey?: string | undefined;
  /**
   * The run being retried. `latest`: run the pipeline's current revision (checked like a new
   * run, deploys pinned afresh) instead of the one `of` ran.
   */
  retry?: { of: RunWithJobs; fromStage?: string | undefined; latest?: boolean };
}

/** Plans the run, or refuses it (400) naming each expression that cannot be used. */
function planOrRefuse(spec: PipelineSpec, context: Parameters<typeof planRun>[1]): PlannedJob[] {
  try {
    return planRun(spec, context);
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    throw new BadRequestError(
      `the pipeline cannot run: ${error.message}`,
      error.problems.map((message) => ({ field: 'spec', message })),
    );
  }
}

export function createRunsService(deps: {
  runs: RunsRepo;
  pipelines: PipelinesService;
  environments: EnvironmentsRepo;
  access: AccessService;
  secrets: SecretBox;
  resolveCredentials: CredentialResolver;
  /** A workspace's custom roles by name with their permissions, as they are now (for approval gates). */
  customRoles: (workspaceId: string) => Promise<ReadonlyMap<string, readonly Permission[]>>;
  /** Tells this process's engine a run needs attention now (other replicas hear `runs.announce`). */
  wake: (runId: string) => void;
  /** The newest manifest and config versions (default: read with the runs repo's client). */
  deployPins?: DeployPinsRepo;
}) {
  const { runs, pipelines, access } = deps;
  const deployPinsRepo = deps.deployPins ?? createDeployPinsRepo(runs.prisma);

  /** The run needs the engine's attention: here, and on the leading replica if that is another. */
  async function announce(runId: string) {
    deps.wake(runId);
    await runs.announce(runId);
  }

  /**
   * Why `actor` may not decide the gate `job` of `run` now (null: they may). The one rule
   * of `gateRefusal`, fed with the caller's permissions and the workspace's custom roles.
   */
  async function refusalFor(
    actor: Actor,
    target: { project: ProjectRef; workspace: string },
    run: RunWithJobs,
    job: RunWithJobs['jobs'][number],
  ): Promise<GateRefusal | null> {
    const rules = approvalsOf(parseRunSpec(run.spec)).get(`${job.stage}/${job.name}`);
    if (!rules) throw new Error(`gate ${job.stage}/${job.name} of run ${run.id} has no rules`);
    return gateRefusal({
      gate: job,
      rules,
      caller: {
        userId: actor.userId,
        platformAdmin: actor.platformAdmin && !actor.tokenWorkspaceId,
        held: await access.permissionsFor(actor, { project: target.project }),
      },
      triggeredById: run.triggeredById,
      customRoles: await deps.customRoles(target.project.workspaceId),
      workspace: target.workspace,
    });
  }

  /**
   * The run as the API shows it, with where its event stream stands now; with `caller`,
   * each waiting gate says whether that user may decide it and why not.
   */
  async function view(
    row: RunWithJobs,
    caller?: { actor: Actor; project: ProjectRef; workspace: string },
  ): Promise<Run> {
    const cursor = formatCursor(await runs.latestIds(row.id));
    const spec = parseRunSpec(row.spec);
    const callers = new Map<string, GateCaller>();
    const players = new Map<string, PlayCaller>();
    const manualJobs = manualJobsOf(spec);
    if (caller) {
      for (const job of latestAttempts(row.jobs)) {
        if (job.status !== 'manual') continue;
        const refusal = await playRefusalFor(caller.actor, caller.project, row, job);
        players.set(`${job.stage}/${job.name}`, {
          mayPlay: refusal === null,
          reason: refusal?.message ?? null,
        });
      }
    }
    if (caller) {
      for (const job of latestAttempts(row.jobs)) {
        if (job.kind !== 'approval' || job.status !== 'waiting') continue;
        const refusal = await refusalFor(caller.actor, caller, row, job);
        callers.set(`${job.stage}/${job.name}`, {
          mayDecide: refusal === null,
          reason: refusal?.message ?? null,
        });
      }
    }
    const deployJobs = latestAttempts(row.jobs).filter((job) => job.kind === 'deploy' && job.startedAt);
    const releases =
      deployJobs.length > 0 ? await runs.releaseNumbers(deployJobs.map((job) => job.id)) : new Map();
    return {
      ...toRun(row, approvalsOf(spec), callers, releases, manualJobs, players),
      streamCursor: cursor,
    };
  }

  /** Why `actor` may not play the manual job `job` of `run` now (null: they may); see `playRefusal`. */
  async function playRefusalFor(
    actor: Actor,
    project: ProjectRef,
    run: RunWithJobs,
    job: RunWithJobs['jobs'][number],
  ): Promise<PlayRefusal | null> {
    const [held, environment] = await Promise.all([
      access.permissionsFor(actor, { project }),
      deps.environments.findByName(project.workspaceId, run.environmentName),
    ]);
    return playRefusal({
      job,
      environment: run.environmentId === null ? null : environment,
      held: held.project,
      secretsGone:
        Object.values(run.parameters as Record<string, unknown>).includes(SECRET_PARAMETER_MASK) &&
        run.secretValues === null,
    });
  }

  async function findRun(actor: Actor, params: RunParams, permission: 'project.read' | 'pipeline.run') {
    const target = await pipelines.forRun(
      actor,
      params.workspace,
      params.project,
      params.pipeline,
      permission,
    );
    const run = await runs.find(target.pipeline.id, params.number);
    if (!run) throw new NotFoundError(`pipeline "${params.pipeline}" has no run ${params.number}`);
    return { ...target, run };
  }

  async function requireEnvironmentRights(
    actor: Actor,
    project: { id: string; slug: string; workspaceId: string },
    environment: { name: string; production: boolean },
  ) {
    const permission: Permission = environmentRunPermission(environment);
    await access.requireProject(actor, project, permission).catch((error: unknown) => {
      if (error instanceof ForbiddenError) {
        throw new ForbiddenError(environmentRefusal(environment), [
          { field: 'body.environment', message: `needs the permission ${permission}` },
        ]);
      }
      throw error;
    });
  }

  /**
   * The fingerprint stored with an Idempotency-Key: the RFC 8785 canonical JSON of what was
   * asked (release type, environment, parameters, ref, commit, trigger), for which pipeline
   * and by whom, keyed (secret parameter values must not be guessable from it).
   */
  function requestFingerprint(actor: Actor, pipelineId: string, input: StartRunInput): string {
    const request = {
      pipeline: pipelineId,
      caller: actor.userId,
      trigger: input.trigger,
      releaseType: input.releaseType,
      environment: input.environment,
      parameters: input.parameters,
      ref: input.ref ?? null,
      commit: input.commit ?? null,
    };
    return deps.secrets.fingerprint(canonicalize(request) ?? '');
  }

  /**
   * A repeat of a request with its Idempotency-Key gets the first request's run; the key
   * reused for another request is refused (draft-ietf-httpapi-idempotency-key-header §2.7).
   * Runs stored before fingerprints existed match any request.
   */
  function sameRequestRun(existing: RunWithJobs, fingerprint: string | null): Promise<Run> {
    if (existing.idempotencyFingerprint && existing.idempotencyFingerprint !== fingerprint) {
      throw new UnprocessableEntityError(
        `this Idempotency-Key was already used for a different request (run ${existing.number}): send a new key for a new request`,
        [
          {
            field: 'headers.idempotency-key',
            message: 'Idempotency-Key reused with a different body, pipeline or caller',
          },
        ],
      );
    }
    return view(existing);
  }

  /** A job's step rows: none for a gate, the deploy step's one for a deploy job (no checkout). */
  function stepsOf(job: PlannedJob, withCheckout: boolean) {
    if (job.kind === 'approval') return [];
    if (job.deploy) return [job.deploy.name];
    const names = job.steps.map((s) => s.name);
    return withCheckout ? [CHECKOUT_STEP, ...names] : names;
  }

  async function start(actor: Actor, params: Omit<RunParams, 'number'>, input: StartRunInput): Promise<Run> {
    const run = await startOrCheck(actor, params, input, 'start');
    if (!run) throw new Error('a run was checked instead of started');
    return run;
  }

  /** `start`, or with `check` every refusal `start` would give now (a lock aside), creating nothing. */
  async function startOrCheck(
    actor: Actor,
    params: Omit<RunParams, 'number'>,
    input: StartRunInput,
    mode: 'start' | 'check',
  ): Promise<Run | undefined> {
    const target = await pipelines.forRun(
      actor,
      params.workspace,
      params.project,
      params.pipeline,
      'pipeline.run',
    );
    const { project, pipeline } = target;
    const fingerprint = input.idempotencyKey ? requestFingerprint(actor, pipeline.id, input) : null;
    if (input.idempotencyKey && mode === 'start') {
      const existing = await runs.findByIdempotencyKey(pipeline.id, input.idempotencyKey);
      if (existing) return sameRequestRun(existing, fingerprint);
    }
    // A retry runs exactly what the original ran; a new run (or a retry on the latest
    // revision) runs the current revision.
    const same = input.retry !== undefined && !input.retry.latest;
    const text = same && input.retry ? input.retry.of.spec : target.text;
    const revision = same && input.retry ? input.retry.of.revision : target.revision;
    if (!same && target.errors.length > 0) throw invalidSpec(target.errors);
    const spec = parseRunSpec(text);
    const unrunnable = unrunnableReason(spec);
    if (unrunnable) throw new BadRequestError(unrunnable, [{ field: 'spec', message: unrunnable }]);

    const environment = await deps.environments.findByName(project.workspaceId, input.environment);
    if (!environment) {
      throw new BadRequestError(`no environment "${input.environment}" in this workspace`, [
        { field: 'body.environment', message: 'unknown environment' },
      ]);
    }
    await requireEnvironmentRights(actor, project, environment);
    // A lock is temporary: a schedule saved meanwhile fires once it is lifted.
    if (environment.locked && mode === 'start') {
      throw new ConflictError(
        `environment "${environment.name}" is locked: nothing may run in it until it is unlocked`,
        [{ field: 'body.environment', message: 'locked' }],
      );
    }

    const resolved = resolveRunParameters(spec, input.releaseType, input.parameters);
    if (resolved.errors.length > 0) {
      throw new BadRequestError(
        `invalid run parameters: ${resolved.errors.map((e) => `${e.parameter}: ${e.message}`).join('; ')}`,
        resolved.errors.map((e) => ({
          field: e.parameter === 'releaseType' ? 'body.releaseType' : `body.parameters.${e.parameter}`,
          message: e.message,
        })),
      );
    }
    const secretNames = (spec.parameters ?? []).filter((p) => p.type === 'secret').map((p) => p.name);
    const shown: Record<string, unknown> = {};
    const secretValues: Record<string, string> = {};
    for (const [name, value] of Object.entries(resolved.values)) {
      if (secretNames.includes(name)) {
        shown[name] = SECRET_PARAMETER_MASK;
        secretValues[name] = String(value);
      } else shown[name] = value;
    }

    const id = randomUUID();
    const refProblem = invalidRunRef(input.ref ?? project.defaultBranch);
    if (refProblem) throw new BadRequestError(refProblem, [{ field: 'body.ref', message: refProblem }]);
    // Stored as a branch name or `refs/tags/<name>`, so a retry builds the same kind of ref.
    const ref = formatRunRef(parseRunRef(input.ref ?? project.defaultBranch));
    const plan = planOrRefuse(spec, {
      releaseType: input.releaseType,
      environment: environment.name,
      ...refVariables(ref),
      parameters: resolved.values,
      runNumber: 0,
      runId: id,
      sha: input.commit ?? '',
      namespace: environment.namespace ?? '',
      project: project.slug,
      workspace: params.workspace,
      secretParameters: secretNames,
    });
    const needed = credentialsOfRun(plan, project.gitCredential);
    const found = await deps.resolveCredentials(project.workspaceId, needed);
    const missing = needed.filter((name) => !found.has(name));
    if (missing.length > 0) {
      throw new BadRequestError(
        `the run needs credentials this workspace does not have: ${missing.join(', ')}`,
        missing.map((name) => ({
          field: 'spec.credentials',
          message: `no credential "${name}" in this workspace`,
        })),
      );
    }
    if (mode === 'check') return undefined;
    const deployPins = await pinDeploys(deployPinsRepo, {
      spec,
      plan,
      projectId: project.id,
      environment,
      retryOf: same ? input.retry?.of.deployPins : undefined,
    });
    const fromStage = input.retry?.fromStage;
    if (fromStage !== undefined && !plan.some((j) => j.stage === fromStage)) {
      throw new BadRequestError(`the run has no stage "${fromStage}"`, [
        {
          field: 'body.fromStage',
          message: `choose one of: ${[...new Set(plan.map((j) => j.stage))].join(', ')}`,
        },
      ]);
    }
    const fromIndex =
      fromStage === undefined ? 0 : (plan.find((j) => j.stage === fromStage)?.stageIndex ?? 0);
    const previous = input.retry ? latestAttempts(input.retry.of.jobs) : [];
    if (
      fromIndex > 0 &&
      previous.some((j) => j.stageIndex < fromIndex && !['succeeded', 'skipped', 'manual'].includes(j.status))
    ) {
      throw new BadRequestError(
        `stages before "${fromStage}" did not all succeed in run ${input.retry?.of.number}`,
        [{ field: 'body.fromStage', message: 'retry from the first stage that failed, or the whole run' }],
      );
    }
    const positionOf = (job: PlannedJob) => plan.filter((j) => j.stage === job.stage).indexOf(job);
    const jobs: NewJobRun[] = plan.map((job) => {
      // An unplayed manual job is not re-used: the retry reaches it afresh (and may play it).
      const earlier =
        job.stageIndex < fromIndex
          ? previous.find((p) => p.stage === job.stage && p.name === job.name && p.status !== 'manual')
          : undefined;
      if (earlier) {
        return {
          stage: job.stage,
          stageIndex: job.stageIndex,
          position: positionOf(job),
          name: job.name,
          kind: job.kind,
          attempt: 1,
          status: earlier.status,
          reusedFrom: input.retry?.of.number,
          startedAt: earlier.startedAt,
          finishedAt: earlier.finishedAt,
          steps: earlier.steps.map((s) => ({
            name: s.name,
            status: s.status,
            exitCode: s.exitCode,
            result: s.result,
          })),
        };
      }
      const status = job.runs ? 'pending' : 'skipped';
      return {
        stage: job.stage,
        stageIndex: job.stageIndex,
        position: positionOf(job),
        name: job.name,
        kind: job.kind,
        attempt: 1,
        status,
        steps: stepsOf(job, Boolean(project.repoUrl)).map((name) => ({ name, status })),
      };
    });

    try {
      await runs.create(
        {
          id,
          pipelineId: pipeline.id,
          revision,
          spec: text,
          releaseType: input.releaseType,
          environmentId: environment.id,
          environmentName: environment.name,
          parameters: shown,
          secretValues:
            Object.keys(secretValues).length > 0 ? deps.secrets.encrypt(JSON.stringify(secretValues)) : null,
          ref,
          commitSha: input.commit?.slice(0, 64) ?? null,
          trigger: input.trigger,
          triggeredById: actor.userId,
          triggeredByName: actor.username,
          idempotencyKey: input.idempotencyKey ?? null,
          idempotencyFingerprint: fingerprint,
          retryOf: input.retry?.of.number ?? null,
          deployPins,
          status: 'queued',
        },
        jobs,
      );
      deps.wake(id);
      const created = await runs.findById(id);
      if (!created) throw new NotFoundError(`pipeline "${params.pipeline}" has no run ${id} any more`);
      return view(created);
    } catch (error) {
      // Two requests with one Idempotency-Key: the second gets the first's run.
      if (input.idempotencyKey && isUniqueViolation(error)) {
        const existing = await runs.findByIdempotencyKey(pipeline.id, input.idempotencyKey);
        if (existing) return sameRequestRun(existing, fingerprint);
      }
      // The environment or pipeline was deleted while the run was being created (the
      // delete held their rows locked; see active-runs.repo.ts).
      if (isForeignKeyViolation(error)) {
        throw new ConflictError(
          `environment "${environment.name}" or pipeline "${params.pipeline}" was deleted while the run was starting`,
          [{ field: 'body.environment', message: 'deleted while the run was starting' }],
        );
      }
      throw error;
    }
  }

  /** Asks the engine to stop an active run (a finished one is left as it is); `message` says why. */
  async function requestCancel(run: { id: string; status: string }, message?: string): Promise<void> {
    if (!ACTIVE_RUN_STATUSES.includes(run.status)) return;
    await runs.setRun(run.id, { cancelRequested: true, ...(message ? { message } : {}) });
    await announce(run.id);
  }

  return {
    start,

    /**
     * Refuses `input` as `start` would (400 naming the field, 403, 404) without starting a
     * run; an environment's lock is not checked. Schedules check what they will run with it.
     */
    async check(actor: Actor, params: Omit<RunParams, 'number'>, input: StartRunInput): Promise<void> {
      await startOrCheck(actor, params, input, 'check');
    },

    create(actor: Actor, params: Omit<RunParams, 'number'>, body: CreateRunBody, idempotencyKey?: string) {
      return start(actor, params, {
        releaseType: body.releaseType,
        environment: body.environment,
        parameters: body.parameters ?? {},
        ref: body.ref,
        trigger: 'manual',
        idempotencyKey,
      });
    },

    async list(
      actor: Actor,
      params: Omit<RunParams, 'number'>,
      query: {
        cursor?: string | undefined;
        limit: number;
        status?: string | undefined;
        releaseType?: string | undefined;
        environment?: string | undefined;
        triggeredBy?: string | undefined;
      },
    ): Promise<{ items: RunSummary[]; nextCursor: string | null }> {
      const { pipeline } = await pipelines.forRun(
        actor,
        params.workspace,
        params.project,
        params.pipeline,
        'project.read',
      );
      // The runs list's cursor is the last run number itself (not an encoded token).
      const before = numberCursorKey(query.cursor);
      const rows = await runs.list(pipeline.id, { ...query, beforeNumber: before, take: query.limit + 1 });
      const page = rows.slice(0, query.limit);
      return {
        items: page.map(toRunSummary),
        nextCursor: rows.length > query.limit ? String(page.at(-1)?.number) : null,
      };
    },

    async get(actor: Actor, params: RunParams): Promise<Run> {
      const { run, project } = await findRun(actor, params, 'project.read');
      return view(run, { actor, project, workspace: params.workspace });
    },

    /** Asks the engine to stop the run; a finished run is returned unchanged. */
    async cancel(actor: Actor, params: RunParams): Promise<Run> {
      const { run } = await findRun(actor, params, 'pipeline.run');
      await requestCancel(run);
      const latest = await runs.findById(run.id);
      return view(latest ?? run);
    },

    /**
     * Cancels a run as part of something the caller was already allowed to do (deleting its
     * environment, cluster or project): no permission check here; `message` becomes the
     * run's message ("cancelled: environment dev deleted by alice").
     */
    cancelBecause(run: { id: string; status: string }, message: string): Promise<void> {
      return requestCancel(run, message);
    },

    /**
     * A new run with the values of run `params.number`: on the revision it ran (whole or
     * from `fromStage`, re-using earlier stages' results), or with `revision: 'latest'` on
     * the pipeline's current revision — always whole, since earlier stages' results came
     * from another spec. A release type or parameter the current revision no longer accepts
     * is refused (400 naming the field), nothing created.
     */
    async retry(
      actor: Actor,
      params: RunParams,
      body: { fromStage?: string | undefined; revision?: 'same' | 'latest' | undefined },
    ): Promise<Run> {
      const { run } = await findRun(actor, params, 'pipeline.run');
      const latest = body.revision === 'latest';
      if (latest && body.fromStage !== undefined) {
        throw new BadRequestError('a retry on the latest revision runs the whole pipeline', [
          {
            field: 'body.fromStage',
            message: 'not with revision "latest": earlier stages ran another revision',
          },
        ]);
      }
      if (ACTIVE_RUN_STATUSES.includes(run.status)) {
        throw new ConflictError(`run ${run.number} is still ${run.status}; cancel it or wait for it to end`);
      }
      const parameters = run.parameters as Record<string, string | number | boolean>;
      if (Object.values(parameters).includes(SECRET_PARAMETER_MASK) && run.secretValues === null) {
        throw new ConflictError(
          `run ${run.number} had secret parameters, which are not kept after a run; start a new run`,
        );
      }
      const secrets = run.secretValues
        ? (JSON.parse(deps.secrets.decrypt(run.secretValues)) as Record<string, string>)
        : {};
      return start(actor, params, {
        releaseType: run.releaseType,
        environment: run.environmentName,
        parameters: { ...parameters, ...secrets },
        ref: run.ref,
        trigger: 'retry',
        retry: { of: run, fromStage: body.fromStage, latest },
      });
    },

    /** One person's decision on a gate: its role, count and self-approval rule apply. */
    async decide(
      actor: Actor,
      params: RunParams & { gate: string },
      body: { decision: 'approve' | 'reject'; comment?: string | undefined },
    ): Promise<Run> {
      const { run, project } = await findRun(actor, params, 'project.read');
      await access.requireProject(actor, project, 'approval.decide');
      const gates = latestAttempts(run.jobs).filter(
        (j) => j.kind === 'approval' && (j.name === params.gate || `${j.stage}.${j.name}` === params.gate),
      );
      const gate = gates[0];
      if (!gate) throw new NotFoundError(`run ${run.number} has no approval gate "${params.gate}"`);
      if (gates.length > 1)
        throw new BadRequestError(`gate "${params.gate}" is ambiguous; use <stage>.<gate>`);
      const caller = { actor, project, workspace: params.workspace };
      const refusal = await refusalFor(actor, caller, run, gate);
      if (refusal) {
        const details = [{ field: 'gate', message: refusal.detail }];
        throw refusal.status === 409
          ? new ConflictError(`gate "${params.gate}": ${refusal.message}`, details)
          : new ForbiddenError(refusal.message, details);
      }
      try {
        await runs.addDecision({
          jobRunId: gate.id,
          userId: actor.userId,
          userName: actor.username,
          decision: body.decision,
          comment: body.comment?.trim() || null,
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError('you already decided on this gate');
        throw error;
      }
      await runs.event(undefined, run.id, {
        type: 'approval',
        gate: gate.name,
        user: actor.username,
        decision: body.decision,
      });
      await announce(run.id);
      const latest = await runs.findById(run.id);
      return view(latest ?? run, caller);
    },

    /**
     * Plays the manual job `params.job` (its name, or `<stage>.<job>`): it starts like any
     * job, also after the run ended (the run is `running` again). Run creation's permission
     * check applies to the run's environment (403); a job not `manual` (played already, or
     * ended with its run), a locked or deleted environment, or secret values no longer kept
     * is a 409. The audit trail records the call (operation `playJob`).
     */
    async play(actor: Actor, params: RunParams & { job: string }): Promise<Run> {
      const { run, project } = await findRun(actor, params, 'pipeline.run');
      const matches = latestAttempts(run.jobs).filter(
        (j) => j.kind !== 'approval' && (j.name === params.job || `${j.stage}.${j.name}` === params.job),
      );
      const job = matches[0];
      if (!job) throw new NotFoundError(`run ${run.number} has no job "${params.job}"`);
      if (matches.length > 1) {
        throw new BadRequestError(`job "${params.job}" is ambiguous; use <stage>.<job>`, [
          { field: 'job', message: 'more than one stage has a job of this name' },
        ]);
      }
      const caller = { actor, project, workspace: params.workspace };
      const refusal = await playRefusalFor(actor, project, run, job);
      if (refusal) {
        const details = [{ field: 'job', message: refusal.detail }];
        throw refusal.status === 409
          ? new ConflictError(refusal.message, details)
          : new ForbiddenError(refusal.message, details);
      }
      const played = await runs.playJob(run.id, job.id, {
        userId: actor.userId,
        userName: actor.username,
        message: `played by ${actor.username}`,
      });
      if (!played) {
        throw new ConflictError(`job "${params.job}" was played or ended meanwhile`, [
          { field: 'job', message: 'not manual any more' },
        ]);
      }
      noteChanges({ status: 'manual' }, { status: 'pending' }, ['status']);
      deps.wake(run.id);
      const latest = await runs.findById(run.id);
      return view(latest ?? run, caller);
    },

    /** Whether nothing more will happen to the run: it ended and every log is archived. */
    isSettled(runId: string): Promise<boolean> {
      return runs.isSettled(runId);
    },

    /** The run's row, after the read check (for the event stream and logs). */
    async readable(actor: Actor, params: RunParams) {
      return (await findRun(actor, params, 'project.read')).run;
    },
  };
}

export interface RunParams {
  workspace: string;
  project: string;
  pipeline: string;
  number: number;
}

export type RunsService = ReturnType<typeof createRunsService>;
