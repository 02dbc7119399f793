import { z } from 'zod';
import { pageOf, SlugSchema, TimestampSchema } from './common.ts';
import { PermissionSchema, RoleScopeSchema } from './permissions.ts';

export const UsernameSchema = z
  .string()
  .min(2, 'username must be 2–64 characters')
  .max(64, 'username must be 2–64 characters')
  .regex(/^[a-z0-9][a-z0-9._-]*$/, {
    message:
      'username may contain lowercase letters, digits, ".", "_" and "-", starting with a letter or digit',
  });

export const PASSWORD_RULE =
  'at least 12 characters, not all the same character, and not containing the username';
export const PasswordSchema = z
  .string()
  .min(12, `password must have ${PASSWORD_RULE}`)
  .max(1024)
  .refine((value) => new Set(value).size > 1, { message: `password must have ${PASSWORD_RULE}` });

export const UserSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string().nullable(),
  email: z.string().nullable(),
  platformAdmin: z.boolean(),
  disabled: z.boolean(),
  /** true until an invited user has set a password. */
  invitePending: z.boolean(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type User = z.infer<typeof UserSchema>;
export const UserPageSchema = pageOf(UserSchema);

export const CreateUserBodySchema = z.strictObject({
  username: UsernameSchema,
  /** Without a password an invite link is returned, once. */
  password: PasswordSchema.optional(),
  displayName: z.string().trim().min(1).max(200).optional(),
  email: z.email().max(320).optional(),
  platformAdmin: z.boolean().optional(),
});
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;

export const CreatedUserSchema = z.object({
  user: UserSchema,
  /** Shown once: the path where the invited user sets a password. */
  invitePath: z.string().nullable(),
});

export const UpdateUserBodySchema = z.strictObject({
  displayName: z.string().trim().min(1).max(200).nullable().optional(),
  email: z.email().max(320).nullable().optional(),
  platformAdmin: z.boolean().optional(),
  disabled: z.boolean().optional(),
  /** Reset: sets a new password and ends the user's sessions. */
  password: PasswordSchema.optional(),
});
export type UpdateUserBody = z.infer<typeof UpdateUserBodySchema>;
export const UserParamsSchema = z.strictObject({ username: UsernameSchema });

export const AcceptInviteBodySchema = z.strictObject({
  token: z.string().min(10).max(200),
  password: PasswordSchema,
});

export const ChangePasswordBodySchema = z.strictObject({
  currentPassword: z.string().min(1, 'currentPassword is required').max(1024),
  newPassword: PasswordSchema,
});

export const SessionSchema = z.object({
  id: z.uuid(),
  current: z.boolean(),
  createdAt: TimestampSchema,
  lastSeenAt: TimestampSchema,
  expiresAt: TimestampSchema,
  ipAddress: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export const SessionListSchema = z.object({ items: z.array(SessionSchema) });
export const IdParamsSchema = z.strictObject({ id: z.uuid() });

export const TokenScopeSchema = z.enum(['read', 'write']);
export const ApiTokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  scope: TokenScopeSchema,
  workspace: z.string().nullable(),
  expiresAt: TimestampSchema.nullable(),
  lastUsedAt: TimestampSchema.nullable(),
  revoked: z.boolean(),
  createdAt: TimestampSchema,
});
export const ApiTokenListSchema = z.object({ items: z.array(ApiTokenSchema) });
export const CreateApiTokenBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scope: TokenScopeSchema,
  workspace: SlugSchema.optional(),
  expiresAt: z.iso
    .datetime({ offset: true })
    .refine((value) => new Date(value).getTime() > Date.now(), { message: 'expiresAt must be in the future' })
    .optional(),
});
export type CreateApiTokenBody = z.infer<typeof CreateApiTokenBodySchema>;
/** The token itself is in this response only. */
export const CreatedApiTokenSchema = ApiTokenSchema.extend({ token: z.string() });

export const PermissionsQuerySchema = z.strictObject({
  workspace: SlugSchema.optional(),
  project: SlugSchema.optional(),
});

export const MemberSchema = z.object({
  user: z.string(),
  displayName: z.string().nullable(),
  role: z.string(),
  createdAt: TimestampSchema,
});
export const MemberListSchema = z.object({ items: z.array(MemberSchema) });
export const AddMemberBodySchema = z.strictObject({ user: UsernameSchema, role: SlugSchema });
export const UpdateMemberBodySchema = z.strictObject({ role: SlugSchema });
export const WorkspaceMemberParamsSchema = z.strictObject({ workspace: SlugSchema, user: UsernameSchema });
export const ProjectMemberParamsSchema = z.strictObject({
  workspace: SlugSchema,
  project: SlugSchema,
  user: UsernameSchema,
});

export const CreateRoleBodySchema = z.strictObject({
  name: SlugSchema,
  description: z.string().max(2000).optional(),
  scope: RoleScopeSchema,
  permissions: z.array(PermissionSchema).min(1, 'a role needs at least one permission'),
});
export const UpdateRoleBodySchema = z.strictObject({
  description: z.string().max(2000).nullable().optional(),
  permissions: z.array(PermissionSchema).min(1, 'a role needs at least one permission').optional(),
});
export const RoleParamsSchema = z.strictObject({ workspace: SlugSchema, role: SlugSchema });

export const AuditEventSchema = z.object({
  id: z.uuid(),
  occurredAt: TimestampSchema,
  actor: z.string().nullable(),
  actorVia: z.string(),
  action: z.string(),
  objectType: z.string(),
  objectName: z.string().nullable(),
  workspace: z.string().nullable(),
  project: z.string().nullable(),
  outcome: z.enum(['allowed', 'denied', 'failed', 'unauthenticated']),
  statusCode: z.number().int(),
  ipAddress: z.string().nullable(),
  requestId: z.string(),
  /**
   * What the write changed: `fields` (body field names sent), `values` (of the fields safe
   * to record), `changes` (`{ field: { before, after } }`). Never secrets.
   */
  detail: z
    .object({
      fields: z.array(z.string()).optional(),
      values: z.record(z.string(), z.unknown()).optional(),
      changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })).optional(),
    })
    .nullable(),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;
export const AuditEventPageSchema = pageOf(AuditEventSchema);
export const AuditEventParamsSchema = z.strictObject({ id: z.uuid() });
/** The audit log's filters (list and CSV export). */
export const AuditFilterSchema = z.strictObject({
  actor: z.string().max(64).optional(),
  action: z.string().max(100).optional(),
  object: z.string().max(300).optional(),
  workspace: SlugSchema.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type AuditFilterQuery = z.infer<typeof AuditFilterSchema>;
export const AuditQuerySchema = AuditFilterSchema.extend({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;
