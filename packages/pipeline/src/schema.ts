import { z } from 'zod';

/** Names used in `${{ params.x }}`, job and stage names: letters, digits, "-" and "_". */
const IdentifierSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, {
    message: 'must start with a letter and contain only letters, digits, "-" and "_"',
  })
  .describe('A name: starts with a letter; letters, digits, "-" and "_"');

export const DURATION_PATTERN = /^(\d+h)?(\d+m)?(\d+s)?$/;
const DurationSchema = z
  .string()
  .regex(DURATION_PATTERN, { message: 'must be a duration like 90s, 20m or 1h30m' })
  .refine((value) => value.length > 0 && value !== '0s', {
    message: 'must be a duration like 90s, 20m or 1h30m',
  })
  .describe('A duration: 90s, 20m, 1h30m');

const EnvSchema = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
      message: 'environment variable names are letters, digits and "_"',
    }),
    z.union([z.string(), z.number(), z.boolean()]),
  )
  .describe('Environment variables for the steps below this level');

const CredentialsSchema = z
  .array(IdentifierSchema)
  .describe('Credentials by name, resolved when the run starts');

const ScalarSchema = z.union([z.string(), z.number(), z.boolean()]);

export const WhenSchema = z
  .strictObject({
    releaseType: z.array(z.string()).min(1).optional().describe('Run only for these release types'),
    environment: z
      .array(z.string())
      .min(1)
      .optional()
      .describe('Run only when deploying to these environments'),
    branch: z
      .array(z.string())
      .min(1)
      .optional()
      .describe('Run only on branches matching these globs (* and **)'),
    parameters: z
      .record(z.string(), z.union([ScalarSchema, z.array(ScalarSchema)]))
      .optional()
      .describe('Run only when these parameters have these values'),
  })
  .describe('Conditions, all of which must hold');
export type When = z.infer<typeof WhenSchema>;

export const ParameterSchema = z
  .strictObject({
    name: IdentifierSchema.describe('The parameter’s name, read as ${{ params.<name> }}'),
    type: z
      .enum(['string', 'choice', 'boolean', 'number', 'environment', 'secret'])
      .default('string')
      .describe('What kind of value: string, choice, boolean, number, environment or secret'),
    description: z.string().max(500).describe('Shown beside the field in the run form').optional(),
    required: z.boolean().optional().describe('Defaults to true when there is no default'),
    default: ScalarSchema.describe('The value used when the run form leaves it empty').optional(),
    pattern: z.string().optional().describe('A regular expression string values must match'),
    choices: z.array(ScalarSchema).min(1).optional().describe('The allowed values of a choice parameter'),
    min: z.number().describe('The smallest value a number parameter accepts').optional(),
    max: z.number().describe('The largest value a number parameter accepts').optional(),
  })
  .describe('A value asked for when the pipeline runs');
export type Parameter = z.infer<typeof ParameterSchema>;

export const ApprovalSchema = z
  .strictObject({
    role: z.string().min(1).default('operator').describe('Who may approve'),
    count: z.number().int().min(1).max(10).default(1).describe('How many approvals are needed'),
    allowSelfApproval: z.boolean().default(false).describe('Whether whoever started the run may approve'),
  })
  .describe('A gate: the run waits until enough people approve');

const RunStepSchema = z.strictObject({
  name: IdentifierSchema.describe('The step’s name (default: its kind)').optional(),
  run: z.string().min(1).describe('A shell script'),
  image: z.string().min(1).optional().describe('Container image for this step (default: the job’s image)'),
  env: EnvSchema.optional(),
});

export const BuildImageSchema = z.strictObject({
  context: z.string().min(1).default('.').describe('Build context directory'),
  dockerfile: z
    .string()
    .min(1)
    .default('Dockerfile')
    .describe('Path of the Dockerfile, relative to the context'),
  destination: z.string().min(1).describe('Image reference to push, e.g. registry.example.com/shop/api:1.2'),
  credential: IdentifierSchema.optional().describe('Registry credential by name'),
});

const BuildImageStepSchema = z.strictObject({
  name: IdentifierSchema.describe('The step’s name (default: its kind)').optional(),
  buildImage: BuildImageSchema.describe('Build and push an image without a Docker daemon'),
});

const ApprovalStepSchema = z.strictObject({
  name: IdentifierSchema.describe('The step’s name (default: its kind)').optional(),
  approval: ApprovalSchema,
});

/** A slug as Slipway names things (manifest sets, config sets): what Kubernetes allows in a DNS label. */
const SlugNameSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
    message: 'must be lowercase letters, digits and "-", starting and ending with a letter or digit',
  });

/** `deploy/`, `k8s/app.yaml`: relative, inside the repository (no `..`, no leading `/`). */
const RepositoryPathSchema = z
  .string()
  .min(1)
  .refine((path) => !path.startsWith('/') && !path.split(/[\\/]/).includes('..'), {
    message: 'must be a path relative to the repository root, without ".."',
  });

export const DeploySchema = z
  .strictObject({
    manifests: SlugNameSchema.optional().describe(
      'A manifest set of the project, by name: its newest version when the run is created is deployed',
    ),
    path: RepositoryPathSchema.optional().describe(
      'Or a file or directory of YAML manifests in the repository (relative), read at the run’s commit',
    ),
    image: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The image to deploy, ${{ release.image }} in the manifests; may use ${{ }} variables (e.g. ${{ run.number }})',
      ),
    config: z
      .array(SlugNameSchema)
      .optional()
      .describe(
        'Config sets by name: each is deployed as the immutable ConfigMap <set>-v<version> of the run’s environment, ${{ release.config.<set> }} in the manifests',
      ),
    timeout: DurationSchema.describe(
      'How long the rollout may take before the deploy fails: 90s, 5m (default 5m)',
    ).optional(),
  })
  .describe(
    'Deploy to the run’s environment: render the manifests, apply them (server-side apply) and follow the rollout. Exactly one of manifests or path; the job’s only step',
  );
export type Deploy = z.infer<typeof DeploySchema>;

const DeployStepSchema = z.strictObject({
  name: IdentifierSchema.describe('The step’s name (default: deploy)').optional(),
  deploy: DeploySchema,
});

export const StepSchema = z.union([
  RunStepSchema,
  BuildImageStepSchema,
  ApprovalStepSchema,
  DeployStepSchema,
]);
export type Step = z.infer<typeof StepSchema>;

const QUANTITY = /^\d+(\.\d+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/;
export const ResourcesSchema = z
  .strictObject({
    cpu: z
      .string()
      .regex(QUANTITY, { message: 'cpu must be a quantity like 500m or 2' })
      .optional()
      .describe('CPU the job’s steps request, e.g. 500m or 2'),
    memory: z
      .string()
      .regex(QUANTITY, { message: 'memory must be a quantity like 512Mi or 2Gi' })
      .optional()
      .describe('Memory the job’s steps request and may use at most, e.g. 512Mi or 2Gi'),
  })
  .describe('Resources of each step container (Kubernetes); default: 100m CPU, 128Mi requested, 2Gi at most');
export type Resources = z.infer<typeof ResourcesSchema>;

/**
 * Whether a glob could name something outside the job's workspace: an absolute path, or a
 * `..` segment, also as an alternative of a `{…}` brace (`{dist,..}/x`).
 */
export function globLeavesWorkspace(glob: string): 'absolute' | 'parent' | undefined {
  if (glob.startsWith('/')) return 'absolute';
  return glob.split(/[\\/{},]/).includes('..') ? 'parent' : undefined;
}

/**
 * What is wrong with a glob's brackets, or undefined: a `[` without its `]` or a `{` without
 * its `}` (and the reverse), which picomatch would silently read as literal characters.
 */
export function globBracketProblem(glob: string): string | undefined {
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '[') {
      // A class's first character may be `]` (POSIX), so its end is searched after it.
      const end = glob.indexOf(']', i + 2);
      if (end === -1) return `has a "[" at character ${i + 1} without its "]" (a class like [abc])`;
      i = end;
    } else if (c === '{') braces++;
    else if (c === '}' && --braces < 0) return `has a "}" at character ${i + 1} without its "{"`;
  }
  return braces > 0 ? 'has a "{" without its "}" (a choice like {a,b})' : undefined;
}

/** `dist/**`, `reports/*.xml`: a path or glob relative to the job's workspace, inside it. */
const WorkspaceGlobSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(500, 'must be at most 500 characters')
  .refine((glob) => globLeavesWorkspace(glob) !== 'absolute', {
    message: 'must be relative to the job’s workspace, not an absolute path',
  })
  .refine((glob) => globLeavesWorkspace(glob) !== 'parent', {
    message: 'must stay inside the job’s workspace: no ".." segment (also not inside {…})',
  })
  .superRefine((glob, ctx) => {
    const problem = globBracketProblem(glob);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('A path or glob (* and **) relative to the job’s workspace');

/** `7d`, `12h`, `2w`, `1d12h`: weeks, days, hours and minutes, in that order. */
export const EXPIRY_PATTERN = /^(\d+w)?(\d+d)?(\d+h)?(\d+m)?$/;

/** The longest `artifacts.expireIn`: 365 days, in seconds. */
export const MAX_EXPIRY_SECONDS = 365 * 24 * 3600;

/** `2w`, `7d`, `1d12h`, `30m` → seconds; NaN when it is not an expiry. */
export function expirySeconds(expiry: string): number {
  const match = EXPIRY_PATTERN.exec(expiry);
  if (!match) return Number.NaN;
  const [w, d, h, m] = match.slice(1).map((part) => Number.parseInt(part ?? '0', 10));
  return (((w ?? 0) * 7 + (d ?? 0)) * 24 + (h ?? 0)) * 3600 + (m ?? 0) * 60;
}

/** Default of `artifacts.expireIn`: 30 days, in seconds (GitLab's default too). */
export const DEFAULT_ARTIFACT_EXPIRY_SECONDS = 30 * 24 * 3600;

/**
 * Seconds an artifact written with this `expireIn` is kept: the default when there is none
 * (or it cannot be read, a stored spec older than a rule), never more than a year.
 */
export function artifactExpirySeconds(expireIn: string | undefined): number {
  const seconds = expireIn === undefined ? Number.NaN : expirySeconds(expireIn);
  return Number.isFinite(seconds) && seconds > 0
    ? Math.min(seconds, MAX_EXPIRY_SECONDS)
    : DEFAULT_ARTIFACT_EXPIRY_SECONDS;
}

const ExpirySchema = z
  .string()
  .regex(EXPIRY_PATTERN, { message: 'must be a duration like 30m, 12h, 7d or 2w' })
  .refine((value) => value.length > 0, { message: 'must be a duration like 30m, 12h, 7d or 2w' })
  .refine((value) => value.length === 0 || /[1-9]/.test(value), {
    message: 'must be longer than 0 (like 30m, 12h, 7d or 2w)',
  })
  .refine((value) => !(expirySeconds(value) > MAX_EXPIRY_SECONDS), {
    message: 'must be at most 365d (a year)',
  })
  .describe('A duration: 30m, 12h, 7d, 2w; at most 365d');

export const ArtifactsSchema = z
  .strictObject({
    paths: z
      .array(WorkspaceGlobSchema)
      .min(1, 'artifacts need at least one path')
      .describe('Files kept after the job succeeds, globs relative to the workspace: dist/**, app.tar.gz'),
    expireIn: ExpirySchema.optional().describe('How long they are kept: 12h, 7d, 2w (default 30d)'),
  })
  .describe(
    'Files the job keeps: downloadable from the run, and unpacked into the workspace of every job of a later stage',
  );
export type Artifacts = z.infer<typeof ArtifactsSchema>;

export const ReportsSchema = z
  .strictObject({
    junit: z
      .union([WorkspaceGlobSchema, z.array(WorkspaceGlobSchema).min(1, 'junit needs at least one glob')])
      .describe('JUnit XML files the job’s tests write, a glob or a list of globs: reports/*.xml'),
  })
  .describe('Test reports, read after the job ends (also when it fails) and shown on the run’s Tests tab');
export type Reports = z.infer<typeof ReportsSchema>;

export const CacheSchema = z
  .strictObject({
    key: z
      .string()
      .min(1)
      .max(250)
      .describe(
        "The cache's key, per project; may use ${{ }} variables and ${{ hashFiles('package-lock.json') }} (the files' SHA-256)",
      ),
    paths: z
      .array(WorkspaceGlobSchema)
      .min(1, 'a cache needs at least one path')
      .describe('What is cached, relative to the workspace: node_modules, .m2/repository'),
  })
  .describe('Restored before the job’s steps when the key was saved before; saved after the job succeeds');
export type Cache = z.infer<typeof CacheSchema>;

export const JobSchema = z
  .strictObject({
    name: IdentifierSchema.describe('The job’s name, unique within its stage'),
    image: z.string().min(1).optional().describe('Default container image of the steps'),
    when: WhenSchema.optional(),
    timeout: DurationSchema.describe('How long the job may run: 90s, 20m, 1h30m').optional(),
    retries: z
      .number()
      .int()
      .min(0)
      .max(10)
      .describe('How many times a failed job is tried again')
      .optional(),
    resources: ResourcesSchema.optional(),
    env: EnvSchema.optional(),
    credentials: CredentialsSchema.optional(),
    manual: z
      .boolean()
      .optional()
      .describe(
        'The job waits until someone allowed to run in the environment presses play; the rest of the run goes on without it, and a job never played does not fail the run',
      ),
    artifacts: ArtifactsSchema.optional(),
    reports: ReportsSchema.optional(),
    cache: CacheSchema.optional(),
    steps: z
      .array(StepSchema)
      .min(1, 'a job needs at least one step')
      .describe('The job’s steps, run in order'),
  })
  .describe('Jobs of a stage run in parallel; their steps run in order');
export type Job = z.infer<typeof JobSchema>;

export const StageSchema = z
  .strictObject({
    name: IdentifierSchema.describe('The stage’s name, unique within the pipeline'),
    when: WhenSchema.optional(),
    env: EnvSchema.optional(),
    credentials: CredentialsSchema.optional(),
    jobs: z.array(JobSchema).min(1).describe('The stage’s jobs, run in parallel').optional(),
    approval: ApprovalSchema.optional(),
  })
  .describe('Stages run in order: either jobs or an approval gate');
export type Stage = z.infer<typeof StageSchema>;

export const ReleaseTypeSchema = z.strictObject({
  description: z.string().max(500).describe('Shown when someone picks the release type').optional(),
  parameters: z.array(z.string()).optional().describe('The parameters this release type asks for'),
  stages: z.array(z.string()).optional().describe('Only these stages run (default: all)'),
});

export const PipelineSpecSchema = z
  .strictObject({
    parameters: z.array(ParameterSchema).describe('Values asked for when the pipeline runs').optional(),
    releaseTypes: z
      .record(IdentifierSchema, ReleaseTypeSchema)
      .optional()
      .describe('Named release types and what each asks for'),
    env: EnvSchema.optional(),
    credentials: CredentialsSchema.optional(),
    stages: z
      .array(StageSchema)
      .min(1, 'a pipeline needs at least one stage')
      .describe('The pipeline’s stages, run in order'),
  })
  .describe('A Slipway pipeline');
export type PipelineSpec = z.infer<typeof PipelineSpecSchema>;

/** JSON Schema for editors (Monaco YAML): generated, never written by hand. */
export function pipelineJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://slipway.dev/schemas/pipeline.json',
    title: 'Slipway pipeline',
    ...z.toJSONSchema(PipelineSpecSchema, { io: 'input', unrepresentable: 'any' }),
  };
}
