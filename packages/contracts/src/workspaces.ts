import { z } from 'zod';
import { DescriptionSchema, DisplayNameSchema, pageOf, SlugSchema, TimestampSchema } from './common.ts';

export const WorkspaceSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  projectCount: z.number().int(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Workspace = z.infer<typeof WorkspaceSchema>;

export const WorkspacePageSchema = pageOf(WorkspaceSchema);
export type WorkspacePage = z.infer<typeof WorkspacePageSchema>;

export const CreateWorkspaceBodySchema = z.strictObject({
  slug: SlugSchema,
  name: DisplayNameSchema,
  description: DescriptionSchema.optional(),
});
export type CreateWorkspaceBody = z.infer<typeof CreateWorkspaceBodySchema>;

export const UpdateWorkspaceBodySchema = z.strictObject({
  name: DisplayNameSchema.optional(),
  description: DescriptionSchema.nullable().optional(),
});
export type UpdateWorkspaceBody = z.infer<typeof UpdateWorkspaceBodySchema>;

export const WorkspaceParamsSchema = z.strictObject({ workspace: SlugSchema });
