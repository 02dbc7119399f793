import { randomBytes } from 'node:crypto';
import {
  type CreatedWebhook,
  type CreateWebhookBody,
  type DeliveryOutcome,
  DeliveryOutcomeSchema,
  type ErrorBody,
  type PageQuery,
  type Permission,
  type UpdateWebhookBody,
  type Webhook,
  type WebhookDelivery,
  WebhookEventSchema,
  WebhookProviderSchema,
  webhookReceiverPath,
} from '@slipway/contracts';
import { isUniqueViolation } from '@slipway/db';
import { parsePipeline, resolveRunParameters } from '@slipway/pipeline';
import type { Actor } from '../../lib/actor.ts';
import { decodeCursor, timeIdCursorKey, toPage } from '../../lib/cursor.ts';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../../lib/errors.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import {
  openParameters,
  type ParameterValue,
  sealParameters,
  secretParameterNames,
  sentParameters,
  shownParameters,
} from '../../lib/stored-parameters.ts';
import type { AccessService } from '../access/access.service.ts';
import type { EnvironmentsRepo } from '../environments/environments.repo.ts';
import type { PipelinesService } from '../pipelines/pipelines.service.ts';
import type { ProjectRow } from '../projects/projects.repo.ts';
import type { ProjectsService } from '../projects/projects.service.ts';
import type { DeliveryRow, WebhookRow, WebhooksRepo } from './webhooks.repo.ts';

type Detail = NonNullable<ErrorBody['details']>[number];

/** What a delivery that passes the filters runs. */
interface Mapping {
  pipeline: string;
  releaseType: string;
  environment: string;
  parameters: Record<string, ParameterValue>;
}

export function outcomeOf(value: string): DeliveryOutcome {
  const parsed = DeliveryOutcomeSchema.safeParse(value);
  return parsed.success ? parsed.data : 'failed';
}

function toWebhook(row: WebhookRow): Webhook {
  const last = row.deliveries[0];
  return {
    id: row.id,
    name: row.name,
    provider: WebhookProviderSchema.parse(row.provider),
    events: row.events.flatMap((event) => {
      const parsed = WebhookEventSchema.safeParse(event);
      return parsed.success ? [parsed.data] : [];
    }),
    branches: row.branches,
    tags: row.tags,
    paths: row.paths,
    pipeline: row.pipelineName,
    releaseType: row.releaseType,
    environment: row.environmentName,
    parameters: shownParameters(row.parameters),
    enabled: row.enabled,
    hasSecret: true,
    runsAs: row.createdByName,
    receiverPath: webhookReceiverPath(row.id),
    lastDelivery: last
      ? { outcome: outcomeOf(last.outcome), receivedAt: last.receivedAt.toISOString() }
      : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    deliveryId: row.deliveryId,
    event: row.event,
    ref: row.ref,
    commit: row.commitSha,
    outcome: outcomeOf(row.outcome),
    reason: row.reason,
    runNumber: row.runNumber,
    receivedAt: row.receivedAt.toISOString(),
  };
}

export function createWebhooksService(deps: {
  webhooks: WebhooksRepo;
  projects: ProjectsService;
  pipelines: PipelinesService;
  environments: EnvironmentsRepo;
  access: AccessService;
  secrets: SecretBox;
}) {
  const { webhooks, projects, pipelines, access } = deps;

  async function findOrThrow(
    actor: Actor,
    workspace: string,
    project: string,
    name: string,
    permission: 'project.read' | 'project.update',
  ) {
    const row = await projects.authorize(actor, workspace, project, permission);
    const webhook = await webhooks.find(row.id, name);
    if (!webhook) throw new NotFoundError(`webhook "${name}" not found in project "${project}"`);
    return { project: row, webhook };
  }

  async function requirePermission(actor: Actor, project: ProjectRow, permission: Permission, field: string) {
    await access.requireProject(actor, project, permission).catch((error: unknown) => {
      if (error instanceof ForbiddenError) {
        throw new ForbiddenError(
          `this webhook's runs would start as you, and you do not have the permission ${permission}`,
          [{ field, message: `needs the permission ${permission}` }],
        );
      }
      throw error;
    });
  }

  /**
   * Checks the mapping as a run would, so a webhook is not saved only to fail on every
   * delivery; and checks that the one saving it (whom its runs act as) may run it. Returns
   * the names of the pipeline's secret parameters (their values are stored encrypted).
   */
  async function checkMapping(
    actor: Actor,
    workspace: string,
    project: ProjectRow,
    mapping: Mapping,
  ): Promise<string[]> {
    const details: Detail[] = [];
    let specText: string | undefined;
    try {
      const target = await pipelines.forRun(actor, workspace, project.slug, mapping.pipeline, 'project.read');
      if (target.errors.length === 0) specText = target.text;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      details.push({ field: 'body.pipeline', message: `no pipeline "${mapping.pipeline}" in this project` });
    }
    const environment = await deps.environments.findByName(project.workspaceId, mapping.environment);
    if (!environment) {
      details.push({
        field: 'body.environment',
        message: `no environment "${mapping.environment}" in this workspace`,
      });
    }
    // A pipeline whose current spec is broken cannot be checked; its runs report that instead.
    const spec = specText === undefined ? undefined : parsePipeline(specText, { rules: 'schema' }).spec;
    if (spec) {
      for (const error of resolveRunParameters(spec, mapping.releaseType, mapping.parameters).errors) {
        details.push({
          field:
            error.parameter === 'releaseType' ? 'body.releaseType' : `body.parameters.${error.parameter}`,
          message: error.message,
        });
      }
    }
    if (details.length > 0) {
      throw new BadRequestError(
        `invalid webhook: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`,
        details,
      );
    }
    await requirePermission(actor, project, 'pipeline.run', 'body.pipeline');
    if (environment) {
      const deploy: Permission = environment.production ? 'deploy.production' : 'deploy.nonproduction';
      await requirePermission(actor, project, deploy, 'body.environment');
    }
    return secretParameterNames(specText);
  }

  return {
    async list(actor: Actor, workspace: string, project: string): Promise<{ items: Webhook[] }> {
      const row = await projects.authorize(actor, workspace, project, 'project.read');
      return { items: (await webhooks.list(row.id)).map(toWebhook) };
    },

    async get(actor: Actor, workspace: string, project: string, name: string): Promise<Webhook> {
      return toWebhook((await findOrThrow(actor, workspace, project, name, 'project.read')).webhook);
    },

    async create(
      actor: Actor,
      workspace: string,
      project: string,
      body: CreateWebhookBody,
    ): Promise<CreatedWebhook> {
      const row = await projects.authorize(actor, workspace, project, 'project.update');
      const mapping: Mapping = {
        pipeline: body.pipeline,
        releaseType: body.releaseType,
        environment: body.environment,
        parameters: body.parameters ?? {},
      };
      const secretNames = await checkMapping(actor, workspace, row, mapping);
      const secret = body.secret ?? randomBytes(32).toString('base64url');
      try {
        const created = await webhooks.create({
          projectId: row.id,
          name: body.name,
          provider: body.provider,
          secretEncrypted: deps.secrets.encrypt(secret),
          events: [...new Set(body.events)],
          branches: body.branches ?? [],
          tags: body.tags ?? [],
          paths: body.paths ?? [],
          pipelineName: mapping.pipeline,
          releaseType: mapping.releaseType,
          environmentName: mapping.environment,
          parameters: sealParameters(mapping.parameters, secretNames, deps.secrets),
          enabled: body.enabled ?? true,
          createdById: actor.userId,
          createdByName: actor.username,
        });
        return { ...toWebhook(created), secret };
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError(`a webhook named "${body.name}" already exists in this project`, [
            { field: 'body.name', message: 'already taken' },
          ]);
        }
        throw error;
      }
    },

    /** Whoever saves a webhook becomes who its runs act as: nobody borrows another's rights. */
    async update(
      actor: Actor,
      workspace: string,
      project: string,
      name: string,
      body: UpdateWebhookBody,
    ): Promise<Webhook> {
      const { project: row, webhook } = await findOrThrow(actor, workspace, project, name, 'project.update');
      const mapping: Mapping = {
        pipeline: body.pipeline ?? webhook.pipelineName,
        releaseType: body.releaseType ?? webhook.releaseType,
        environment: body.environment ?? webhook.environmentName,
        parameters: body.parameters
          ? sentParameters(body.parameters, webhook.parameters, deps.secrets)
          : openParameters(webhook.parameters, deps.secrets),
      };
      const enabled = body.enabled ?? webhook.enabled;
      // Disabling needs no check: it can only stop runs, and must work when the pipeline is gone.
      const secretNames = enabled ? await checkMapping(actor, workspace, row, mapping) : [];
      const updated = await webhooks.update(webhook.id, {
        ...(body.secret !== undefined ? { secretEncrypted: deps.secrets.encrypt(body.secret) } : {}),
        ...(body.events !== undefined ? { events: [...new Set(body.events)] } : {}),
        ...(body.branches !== undefined ? { branches: body.branches } : {}),
        ...(body.tags !== undefined ? { tags: body.tags } : {}),
        ...(body.paths !== undefined ? { paths: body.paths } : {}),
        pipelineName: mapping.pipeline,
        releaseType: mapping.releaseType,
        environmentName: mapping.environment,
        parameters: sealParameters(mapping.parameters, secretNames, deps.secrets, webhook.parameters),
        enabled,
        createdById: actor.userId,
        createdByName: actor.username,
      });
      return toWebhook(updated);
    },

    async delete(actor: Actor, workspace: string, project: string, name: string): Promise<void> {
      const { webhook } = await findOrThrow(actor, workspace, project, name, 'project.update');
      await webhooks.delete(webhook.id);
    },

    async deliveries(
      actor: Actor,
      workspace: string,
      project: string,
      name: string,
      query: PageQuery,
    ): Promise<{ items: WebhookDelivery[]; nextCursor: string | null }> {
      const { webhook } = await findOrThrow(actor, workspace, project, name, 'project.read');
      const after = timeIdCursorKey(decodeCursor(query.cursor));
      const before = after && { receivedAt: after.at, id: after.id };
      const rows = await webhooks.deliveries(webhook.id, query.limit + 1, before);
      return toPage(rows, query.limit, (row) => `${row.receivedAt.toISOString()}|${row.id}`, toDelivery);
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
