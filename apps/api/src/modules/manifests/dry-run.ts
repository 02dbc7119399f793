import { configMapNameOf, type ManifestProblem } from '@slipway/contracts';
import { deployerUser, type KubeClient, KubeError, type KubernetesObject } from '@slipway/kube';
import {
  CONFIG_PLACEHOLDER_PREFIX,
  fieldPosition,
  type ManifestObject,
  placeholdersOf,
  renderManifests,
} from '@slipway/manifests';
import { BadRequestError, NotFoundError } from '../../lib/errors.ts';
import type { ClusterClients } from '../clusters/cluster-clients.ts';
import type { EnvironmentsRepo } from '../environments/environments.repo.ts';

/**
 * What a placeholder stands for in a dry run, where no deploy gives it a value: the
 * environment's own name and namespace, version 1 of a config set's ConfigMap, an image
 * reference no registry serves, `1` for numbers and parameters.
 */
function sampleValue(name: string, environment: { name: string; namespace: string }): string {
  if (name === 'environment.name') return environment.name;
  if (name === 'environment.namespace') return environment.namespace;
  if (name === 'release.image') return 'dry-run.invalid/image:latest';
  if (name.startsWith(CONFIG_PLACEHOLDER_PREFIX))
    return configMapNameOf(name.slice(CONFIG_PLACEHOLDER_PREFIX.length), 1);
  if (name === 'git.sha') return '0'.repeat(40);
  if (name === 'git.shortSha') return '0'.repeat(8);
  if (name === 'git.branch') return 'main';
  if (name === 'git.tag' || name === 'release.type') return 'dry-run';
  if (name === 'run.id') return '00000000-0000-0000-0000-000000000000';
  if (name === 'project.slug' || name === 'workspace.slug') return 'dry-run';
  return '1';
}

/**
 * The problems a Kubernetes refusal of one object makes: one per cause (at the field's line
 * when it is found), else one at the object. 5xx-style failures (unreachable cluster, no
 * answer in time) are not problems of the files: they are thrown on.
 */
function problemsOf(
  error: unknown,
  files: Readonly<Record<string, string>>,
  object: ManifestObject,
  /** `<file>\n<field path>` of the fields a parameter alone fills. */
  guessed: ReadonlySet<string>,
): ManifestProblem[] {
  if (!(error instanceof KubeError) || error.statusCode >= 500) throw error;
  const at = { file: object.file, line: object.line, column: object.column };
  const causes = (error.causes ?? []).map((cause) => {
    const located = cause.field ? fieldPosition(files, at, cause.field) : undefined;
    return {
      ...(located ? { line: located.line, column: located.column } : {}),
      path: located?.path || cause.field?.replace(/^\./, '') || null,
      message: cause.message,
    };
  });
  // A parameter's type is unknown before a run: a refusal of a field it alone fills is no finding.
  const found = causes.filter((cause) => !(cause.path && guessed.has(`${object.file}\n${cause.path}`)));
  if (causes.length > 0 && found.length === 0) return [];
  const describe = `${object.object.kind} ${object.object.metadata.name}`;
  if (found.length === 0)
    return [{ ...at, path: null, message: `the cluster refuses ${describe}: ${error.message}` }];
  return found.map((cause) => ({
    ...at,
    ...cause,
    message: `the cluster refuses ${describe}: ${cause.message}`,
  }));
}

/**
 * The server-side dry run of `validateManifests` with an environment: every object, rendered
 * with sample values, applied with dryRun=All and field validation Strict on the
 * environment's cluster, in its namespace (when the object names none), as the
 * environment's deployer service account (impersonation) — so what a deploy would be refused
 * (unknown fields, invalid values, another namespace, cluster-scoped kinds) is found
 * without changing anything.
 */
export function createManifestDryRun(deps: {
  environments: Pick<EnvironmentsRepo, 'findByName'>;
  clients: Pick<ClusterClients, 'clientFor'>;
  /** Makes sure the deployer identity exists in the namespace before it is used. */
  prepare?: (kube: KubeClient, namespace: string) => Promise<void>;
}) {
  return async (
    workspaceId: string,
    environmentName: string,
    files: Readonly<Record<string, string>>,
  ): Promise<ManifestProblem[]> => {
    const environment = await deps.environments.findByName(workspaceId, environmentName);
    if (!environment)
      throw new NotFoundError(`environment "${environmentName}" not found`, [
        { field: 'body.environment', message: `no environment "${environmentName}"` },
      ]);
    if (!environment.cluster || !environment.namespace)
      throw new BadRequestError(
        `environment "${environmentName}" runs on the local executor: it has no cluster to check the manifests on`,
        [{ field: 'body.environment', message: 'has no cluster' }],
      );
    const namespace = environment.namespace;
    const placeholders = placeholdersOf(files);
    const values = Object.fromEntries(
      placeholders.map(({ name }) => [name, sampleValue(name, { name: environment.name, namespace })]),
    );
    const rendered = renderManifests(files, values);
    if (rendered.problems.length > 0) return rendered.problems;
    const guessed = new Set(
      placeholders.filter((p) => p.whole && p.name.startsWith('params.')).map((p) => `${p.file}\n${p.path}`),
    );
    const admin = deps.clients.clientFor(environment.cluster);
    await deps.prepare?.(admin, namespace);
    const kube = admin.impersonating(deployerUser(namespace));
    const problems = await Promise.all(
      rendered.objects.map(async (object) => {
        const body = {
          ...object.object,
          metadata: { ...object.object.metadata, namespace: object.object.metadata.namespace ?? namespace },
        } as KubernetesObject;
        try {
          await kube.applyObject(body, { dryRun: true });
          return [];
        } catch (error) {
          return problemsOf(error, files, object, guessed);
        }
      }),
    );
    return problems.flat();
  };
}
