// What the run engine hands the deploy executor for a job whose only step is `deploy:`, for
// tests that start deploy jobs without running a pipeline.
import type { PlannedDeploy } from '@slipway/pipeline';
import type { JobDispatch } from '../src/modules/runs/engine/executor.ts';

/**
 * A deploy job's dispatch: job attempt `jobRunId` of run `runId` (number 1, job `deploy`),
 * deploying `planned` with the run's `values` and the `digests` its builds pushed.
 */
export function deployJobDispatch(input: {
  workspace: string;
  project: string;
  runId: string;
  namespace: string;
  jobRunId: string;
  planned: Partial<PlannedDeploy>;
  values?: Record<string, string>;
  digests?: Record<string, string>;
}): JobDispatch {
  return {
    externalName: `deploy-${input.jobRunId.slice(0, 8)}`,
    labels: {
      workspace: input.workspace,
      project: input.project,
      pipeline: 'ci',
      runId: input.runId,
      runNumber: 1,
      job: 'deploy',
      stage: 'deploy',
      attempt: 1,
    },
    namespace: input.namespace,
    repository: null,
    steps: [],
    env: {},
    secretEnv: {},
    gitAuth: undefined,
    registryConfigs: {},
    timeoutSeconds: undefined,
    resources: {},
    deploy: {
      jobRunId: input.jobRunId,
      planned: { path: undefined, config: [], timeoutSeconds: 60, ...input.planned } as PlannedDeploy,
      values: input.values ?? {},
      digests: input.digests,
    },
  };
}
