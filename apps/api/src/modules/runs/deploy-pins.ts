import { type DeployPins, DeployPinsSchema } from '@slipway/contracts';
import { formatPath, type PipelineSpec, type PlannedJob } from '@slipway/pipeline';
import { BadRequestError } from '../../lib/errors.ts';
import type { DeployPinsRepo } from './deploy-pins.repo.ts';

interface Detail {
  field: string;
  message: string;
}

/** `spec.stages[1].jobs[0].steps[0].deploy.<key>`: where the job's deploy step names `key`. */
function deployField(spec: PipelineSpec, job: PlannedJob, key: string): string {
  const jobs = spec.stages[job.stageIndex]?.jobs ?? [];
  const j = jobs.findIndex((candidate) => candidate.name === job.name);
  const k = jobs[j]?.steps.findIndex((step) => 'deploy' in step) ?? 0;
  return `spec.${formatPath(['stages', job.stageIndex, 'jobs', j, 'steps', k, 'deploy'])}.${key}`;
}

/**
 * What the run's deploy steps will deploy, fixed when the run is created (stored as
 * `pipeline_runs.deploy_pins`): the newest version of each manifest set a deploy job that
 * runs names, and of each config set in the run's environment. Null when no deploy job runs.
 *
 * Refuses (400) a run whose deploy jobs cannot deploy, every problem at once: an environment
 * without a cluster (`body.environment`), a manifest set or config set that is unknown, a
 * manifest set without a version, a config set without a version for the environment (each
 * at the spec path of the step that names it).
 *
 * A retry (`retryOf` holds the original run's pins) deploys the versions the original run
 * pinned, as GitLab re-deploys the same artifacts when a deploy job is retried: retrying a
 * failed deploy must not pick up a config change saved since. New versions need a new run.
 */
export async function pinDeploys(
  repo: DeployPinsRepo,
  input: {
    spec: PipelineSpec;
    plan: readonly PlannedJob[];
    projectId: string;
    environment: { id: string; name: string; clusterId: string | null };
    /** The `deploy_pins` of the run being retried, as stored. */
    retryOf?: unknown;
  },
): Promise<DeployPins | null> {
  const deploys = input.plan.filter((job) => job.runs && job.kind === 'deploy' && job.deploy);
  if (deploys.length === 0) return null;
  const { environment, spec } = input;
  if (!environment.clusterId) {
    throw new BadRequestError(
      `environment "${environment.name}" has no cluster to deploy to (deploy job${deploys.length === 1 ? '' : 's'} ${deploys.map((job) => `${job.stage} / ${job.name}`).join(', ')}): choose an environment on a cluster`,
      [
        {
          field: 'body.environment',
          message: `environment "${environment.name}" has no cluster to deploy to`,
        },
      ],
    );
  }
  const retried = DeployPinsSchema.safeParse(input.retryOf);
  if (input.retryOf && retried.success) return retried.data;

  // Each set by the first step that names it (where a refusal points).
  const manifestSets = new Map<string, string>();
  const configSets = new Map<string, string>();
  for (const job of deploys) {
    const deploy = job.deploy;
    if (!deploy) continue;
    if (deploy.manifests !== undefined && !manifestSets.has(deploy.manifests))
      manifestSets.set(deploy.manifests, deployField(spec, job, 'manifests'));
    deploy.config.forEach((name, index) => {
      if (!configSets.has(name)) configSets.set(name, deployField(spec, job, `config[${index}]`));
    });
  }
  const [manifestVersions, configVersions] = await Promise.all([
    repo.newestManifestVersions(input.projectId, [...manifestSets.keys()]),
    repo.newestConfigVersions(input.projectId, environment.id, [...configSets.keys()]),
  ]);

  const problems: Detail[] = [];
  const pins: DeployPins = { manifestSets: {}, configSets: {} };
  for (const [name, field] of manifestSets) {
    const version = manifestVersions.get(name);
    if (version === undefined) problems.push({ field, message: `no manifest set "${name}" in this project` });
    else if (version === null)
      problems.push({ field, message: `manifest set "${name}" has no version yet: save one first` });
    else pins.manifestSets[name] = version;
  }
  for (const [name, field] of configSets) {
    const version = configVersions.get(name);
    if (version === undefined) problems.push({ field, message: `no config set "${name}" in this project` });
    else if (version === null)
      problems.push({
        field,
        message: `config set "${name}" has no version for environment "${environment.name}": save one first`,
      });
    else pins.configSets[name] = version;
  }
  if (problems.length > 0) {
    throw new BadRequestError(
      `the run cannot deploy: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
      problems,
    );
  }
  return pins;
}
