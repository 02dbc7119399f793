import { z } from 'zod';
import { DescriptionSchema, DisplayNameSchema, pageOf, SlugSchema, TimestampSchema } from './common.ts';

// Hosts and users may not start with "-" (git would read them as options). Local
// repositories pass here; the server refuses them unless SLIPWAY_ALLOW_LOCAL_REPOS is set.
const REPOSITORY_ADDRESS =
  /^(?:(?:https?:\/\/|ssh:\/\/|[A-Za-z0-9_][A-Za-z0-9._-]*@(?=[^\s/:]+:))(?!-)\S+|(?:file:\/\/)?\/\S*)$/;
const RepoUrlSchema = z
  .string()
  .max(2048)
  .regex(REPOSITORY_ADDRESS, {
    message:
      'repoUrl must be an http(s)://, ssh:// or user@host:path repository address (or, where the server allows local repositories, file:// or an absolute path)',
  })
  .describe(
    'Git repository: https://, http://, ssh:// or scp-like user@host:path. file:// URLs and absolute paths only on servers started with SLIPWAY_ALLOW_LOCAL_REPOS=true (development and tests).',
  );
const BranchSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^(?!\/)(?!.*\.\.)(?!.*\/\/)[^\s~^:?*[\\]+(?<!\/)(?<!\.lock)$/, {
    message: 'defaultBranch must be a valid git branch name',
  });

const GitCredentialSchema = SlugSchema.describe(
  'The name of a git credential of the workspace, used to check the repository out (resolved at run time)',
);

export const ProjectSchema = z.object({
  id: z.uuid(),
  workspace: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  repoUrl: z.string().nullable(),
  defaultBranch: z.string(),
  gitCredential: z.string().nullable().describe('The git credential’s name; null: the repository is public'),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Project = z.infer<typeof ProjectSchema>;

export const ProjectPageSchema = pageOf(ProjectSchema);
export type ProjectPage = z.infer<typeof ProjectPageSchema>;

/** The kinds of repository Slipway has a built-in starter pipeline for. */
export const STARTER_TYPES = ['node', 'maven', 'gradle', 'go', 'python', 'static'] as const;
export const StarterTypeSchema = z.enum(STARTER_TYPES);
export type StarterType = z.infer<typeof StarterTypeSchema>;

export const CreateProjectBodySchema = z.strictObject({
  slug: SlugSchema,
  name: DisplayNameSchema,
  description: DescriptionSchema.optional(),
  repoUrl: RepoUrlSchema.optional(),
  defaultBranch: BranchSchema.optional(),
  gitCredential: GitCredentialSchema.optional(),
  starterPipeline: z
    .enum(['auto', ...STARTER_TYPES])
    .optional()
    .describe(
      'Also create a starter pipeline `ci` from a built-in template. `auto` (needs repoUrl) detects the ' +
        'repository type from its root files: pom.xml → maven, build.gradle(.kts) → gradle, go.mod → go, ' +
        'pyproject.toml/setup.py/Pipfile → python, package.json → node, requirements.txt → python, ' +
        'index.html → static (first match wins). A type chooses the template without detection. The ' +
        'template (node-service, maven-service, gradle-service, go-service, python-service or ' +
        'static-site) is published into the workspace as version 1 unless the workspace already has one ' +
        'of that name, whose latest version is then used; `ci` is `uses: <template>@<version>` with the ' +
        'versions read from the repository under `with:`. A repository that cannot be read never fails ' +
        'the import: the project is created and `starter.reason` says what happened.',
    ),
});
export type CreateProjectBody = z.infer<typeof CreateProjectBodySchema>;

export const ProjectStarterSchema = z
  .object({
    type: StarterTypeSchema.nullable().describe('The repository type the starter is for; null when none'),
    detectedFrom: z
      .array(z.string())
      .describe('The root files the type was detected from; empty when it was chosen or not found'),
    template: z
      .object({
        name: z.string(),
        version: z.number().int(),
        published: z.boolean().describe('true: this import published it; false: the workspace had it'),
      })
      .nullable(),
    pipeline: z.string().nullable().describe('The pipeline created in the project, or null'),
    reason: z
      .string()
      .nullable()
      .describe(
        'What went wrong or was left out (unreadable repository, unknown type, …); null when nothing',
      ),
  })
  .describe('What the import detected and created');
export type ProjectStarter = z.infer<typeof ProjectStarterSchema>;

export const CreatedProjectSchema = ProjectSchema.extend({
  starter: ProjectStarterSchema.optional().describe('Present when starterPipeline was asked for'),
});
export type CreatedProject = z.infer<typeof CreatedProjectSchema>;

export const UpdateProjectBodySchema = z.strictObject({
  name: DisplayNameSchema.optional(),
  description: DescriptionSchema.nullable().optional(),
  repoUrl: RepoUrlSchema.nullable().optional(),
  defaultBranch: BranchSchema.optional(),
  gitCredential: GitCredentialSchema.nullable().optional(),
});
export type UpdateProjectBody = z.infer<typeof UpdateProjectBodySchema>;

export const ProjectParamsSchema = z.strictObject({ workspace: SlugSchema, project: SlugSchema });
