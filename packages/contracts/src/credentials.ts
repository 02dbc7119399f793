import { z } from 'zod';
import { SlugSchema, TimestampSchema } from './common.ts';
import { defineEndpoint } from './endpoint.ts';
import { WorkspaceParamsSchema } from './workspaces.ts';

/**
 * `git`: a username and a password or access token for cloning over https.
 * `registry`: a container registry's address, a username and a password.
 * `token`: one secret value (an API token), with an optional username.
 */
export const CREDENTIAL_TYPES = ['git', 'registry', 'token'] as const;
export const CredentialTypeSchema = z.enum(CREDENTIAL_TYPES);
export type CredentialType = z.infer<typeof CredentialTypeSchema>;

/** 64 KiB: room for a private key or a service-account JSON, not for arbitrary files. */
export const CREDENTIAL_SECRET_MAX_BYTES = 64 * 1024;

/** Bytes of `text` in UTF-8 (no TextEncoder: this package is typed for neither DOM nor Node). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (const character of text) {
    const codePoint = character.codePointAt(0) ?? 0;
    bytes += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
  }
  return bytes;
}

const CredentialSecretSchema = z
  .string()
  .min(1, 'secret must not be empty')
  .max(CREDENTIAL_SECRET_MAX_BYTES, 'secret must be at most 64 KiB')
  // The length above counts characters; the limit is on the stored bytes.
  .refine((secret) => utf8Length(secret) <= CREDENTIAL_SECRET_MAX_BYTES, {
    message: 'secret must be at most 64 KiB',
  })
  .describe('The password, token or key. Stored encrypted; never returned by any endpoint');
const CredentialDescriptionSchema = z.string().max(500);
const CredentialUsernameSchema = z.string().trim().min(1, 'username must not be empty').max(200);
/** A registry's host and optional port, as Docker keys its config: `ghcr.io`, `registry.local:5000`. */
const REGISTRY_SERVER = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?$/;
const CredentialServerSchema = z.string().max(255).regex(REGISTRY_SERVER, {
  message:
    'server must be a registry host with an optional port (e.g. ghcr.io or registry.local:5000), no scheme',
});

/** What a credential of `type` lacks: one `{ field, message }` per missing field (field without `body.`). */
export function missingCredentialFields(
  type: CredentialType,
  values: { username?: string | null | undefined; server?: string | null | undefined },
): { field: 'username' | 'server'; message: string }[] {
  const missing: { field: 'username' | 'server'; message: string }[] = [];
  if ((type === 'git' || type === 'registry') && !values.username) {
    missing.push({ field: 'username', message: `is required for ${type} credentials` });
  }
  if (type === 'registry' && !values.server) {
    missing.push({ field: 'server', message: 'is required for registry credentials' });
  }
  return missing;
}

/** A credential as every endpoint returns it: never its secret. */
export const CredentialSchema = z.object({
  name: z.string(),
  type: CredentialTypeSchema,
  description: z.string().nullable(),
  username: z.string().nullable(),
  server: z.string().nullable().describe('The registry address, for registry credentials'),
  createdBy: z.string(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Credential = z.infer<typeof CredentialSchema>;
export const CredentialListSchema = z.object({ items: z.array(CredentialSchema) });

export const CreateCredentialBodySchema = z
  .strictObject({
    name: SlugSchema,
    type: CredentialTypeSchema,
    description: CredentialDescriptionSchema.optional(),
    username: CredentialUsernameSchema.optional(),
    server: CredentialServerSchema.optional(),
    secret: CredentialSecretSchema,
  })
  .superRefine((body, context) => {
    for (const problem of missingCredentialFields(body.type, body)) {
      context.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
    }
  });
export type CreateCredentialBody = z.infer<typeof CreateCredentialBodySchema>;

/** The type cannot change; an omitted field stays as it is (an omitted secret too). */
export const UpdateCredentialBodySchema = z.strictObject({
  description: CredentialDescriptionSchema.nullable().optional(),
  username: CredentialUsernameSchema.nullable().optional(),
  server: CredentialServerSchema.nullable().optional(),
  secret: CredentialSecretSchema.optional(),
});
export type UpdateCredentialBody = z.infer<typeof UpdateCredentialBodySchema>;

export const CredentialParamsSchema = z.strictObject({ workspace: SlugSchema, credential: SlugSchema });

const base = '/api/v1/workspaces/{workspace}/credentials';
const tag = 'credentials';

export const credentialEndpoints = {
  list: defineEndpoint({
    operationId: 'listCredentials',
    method: 'GET',
    path: base,
    summary: 'The workspace’s credentials, by name (their values are never returned)',
    tag,
    params: WorkspaceParamsSchema,
    response: CredentialListSchema,
  }),
  create: defineEndpoint({
    operationId: 'createCredential',
    auditedFields: ['name', 'type', 'description', 'server'],
    method: 'POST',
    path: base,
    summary:
      'Create a credential: git (username + password/token), registry (server + username + password) or token; the secret is stored encrypted',
    tag,
    params: WorkspaceParamsSchema,
    body: CreateCredentialBodySchema,
    successStatus: 201,
    response: CredentialSchema,
  }),
  get: defineEndpoint({
    operationId: 'getCredential',
    method: 'GET',
    path: `${base}/{credential}`,
    summary: 'One credential, without its value',
    tag,
    params: CredentialParamsSchema,
    response: CredentialSchema,
  }),
  update: defineEndpoint({
    operationId: 'updateCredential',
    auditedFields: ['description', 'server'],
    method: 'PUT',
    path: `${base}/{credential}`,
    summary: 'Change a credential’s description, username, server or secret (an omitted secret stays)',
    tag,
    params: CredentialParamsSchema,
    body: UpdateCredentialBodySchema,
    response: CredentialSchema,
  }),
  delete: defineEndpoint({
    operationId: 'deleteCredential',
    method: 'DELETE',
    path: `${base}/{credential}`,
    summary: 'Delete a credential; refused (409) while a project uses it as its git credential',
    tag,
    params: CredentialParamsSchema,
    response: null,
  }),
};
