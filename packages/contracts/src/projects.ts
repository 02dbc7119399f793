import { z } from 'zod';
import { DescriptionSchema, DisplayNameSchema, pageOf, SlugSchema, TimestampSchema } from './common.ts';

const RepoUrlSchema = z
  .string()
  .max(2048)
  .regex(/^(https?:\/\/|ssh:\/\/|git@)[^\s]+$/, {
    message: 'repoUrl must be an http(s)://, ssh:// or git@host:path repository address',
  });
const BranchSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^(?!\/)(?!.*\.\.)(?!.*\/\/)[^\s~^:?*[\\]+(?<!\/)(?<!\.lock)$/, {
    message: 'defaultBranch must be a valid git branch name',
  });

export const ProjectSchema = z.object({
  id: z.uuid(),
  workspace: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  repoUrl: z.string().nullable(),
  defaultBranch: z.string(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Project = z.infer<typeof ProjectSchema>;

export const ProjectPageSchema = pageOf(ProjectSchema);
export type ProjectPage = z.infer<typeof ProjectPageSchema>;

export const CreateProjectBodySchema = z.strictObject({
  slug: SlugSchema,
  name: DisplayNameSchema,
  description: DescriptionSchema.optional(),
  repoUrl: RepoUrlSchema.optional(),
  defaultBranch: BranchSchema.optional(),
});
export type CreateProjectBody = z.infer<typeof CreateProjectBodySchema>;

export const UpdateProjectBodySchema = z.strictObject({
  name: DisplayNameSchema.optional(),
  description: DescriptionSchema.nullable().optional(),
  repoUrl: RepoUrlSchema.nullable().optional(),
  defaultBranch: BranchSchema.optional(),
});
export type UpdateProjectBody = z.infer<typeof UpdateProjectBodySchema>;

export const ProjectParamsSchema = z.strictObject({ workspace: SlugSchema, project: SlugSchema });
