import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type KubeClient, KubeError } from '@slipway/kube';
import { LRUCache } from 'lru-cache';
import type { Actor } from '../../lib/actor.ts';
import { ConflictError, NotFoundError } from '../../lib/errors.ts';
import type { ClusterClients } from '../clusters/cluster-clients.ts';
import type { EnvironmentsRepo } from '../environments/environments.repo.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import {
  isGroupVersionPath,
  type OpenApiV3Document,
  toKubernetesJsonSchema,
} from './openapi-to-json-schema.ts';

/** A schema ready to send: its JSON text (serialized once) and its strong ETag. */
export interface SchemaBody {
  json: string;
  etag: string;
}

/** The committed schema of the core kinds (apps/api/scripts/generate-builtin-kubernetes-schema.ts writes it). */
export const BUILT_IN_SCHEMA_FILE = new URL('./builtin-kubernetes-schema.json', import.meta.url);

/** Clusters whose schemas are kept (a few MB each); the least recently used is dropped first. */
const CACHED_SCHEMAS = 16;
/** Group-version documents read at once from one cluster. */
const DOCUMENT_CONCURRENCY = 4;

function bodyOf(json: string): SchemaBody {
  return { json, etag: `"${createHash('sha256').update(json).digest('base64url').slice(0, 32)}"` };
}

/** Reads every group-version document of the cluster's OpenAPI v3 (from its index), a few at a time. */
export async function readOpenApiDocuments(
  kube: KubeClient,
  paths: Record<string, { serverRelativeURL: string }>,
): Promise<OpenApiV3Document[]> {
  const urls = Object.entries(paths)
    .filter(([path]) => isGroupVersionPath(path))
    .map(([, entry]) => entry.serverRelativeURL);
  const documents: OpenApiV3Document[] = [];
  for (let start = 0; start < urls.length; start += DOCUMENT_CONCURRENCY) {
    const batch = urls.slice(start, start + DOCUMENT_CONCURRENCY);
    documents.push(...(await Promise.all(batch.map((url) => kube.openApiV3Document(url)))));
  }
  return documents;
}

/**
 * The Kubernetes JSON Schemas editors use. The environment variant reads `/openapi/v3` of the
 * environment's cluster with Slipway's own credentials and converts it (CRDs included); it is
 * cached per cluster id + server gitVersion + the OpenAPI index (whose per-group-version hashes
 * change when a CRD is installed or changed), so each request costs two small reads of the
 * cluster. Reading it needs `workspace.read` (what listing the workspace's environments needs;
 * project members have it too).
 */
export function createKubernetesSchemaService(deps: {
  workspaces: WorkspacesService;
  environments: EnvironmentsRepo;
  clients: ClusterClients;
}) {
  let builtIn: SchemaBody | undefined;
  const schemas = new LRUCache<
    string,
    SchemaBody,
    { kube: KubeClient; paths: Record<string, { serverRelativeURL: string }> }
  >({
    max: CACHED_SCHEMAS,
    // Concurrent misses for one cluster share one build (lru-cache's fetch).
    fetchMethod: async (key, _stale, { context }) => {
      const documents = await readOpenApiDocuments(context.kube, context.paths);
      const schema = toKubernetesJsonSchema(documents, {
        title: `Kubernetes objects (${key.split('|')[1]})`,
      });
      return bodyOf(JSON.stringify(schema));
    },
  });

  /** The cluster's failure, told as a bad gateway: the user's request was fine. */
  function badGateway(error: unknown, cluster: string): never {
    if (error instanceof KubeError) {
      throw new KubeError(502, `cluster "${cluster}": ${error.message}`, {
        cause: error,
        ...(error.kubeStatus !== undefined ? { kubeStatus: error.kubeStatus } : {}),
      });
    }
    throw error;
  }

  return {
    /** The built-in schema of the core kinds, read once from the committed file. */
    builtIn(): SchemaBody {
      builtIn ??= bodyOf(JSON.stringify(JSON.parse(readFileSync(BUILT_IN_SCHEMA_FILE, 'utf8'))));
      return builtIn;
    },

    /**
     * The schema of the environment's cluster. 409 when the environment has no cluster; 502
     * naming the reason when the cluster does not answer or refuses Slipway's credentials.
     */
    async forEnvironment(actor: Actor, workspaceSlug: string, name: string): Promise<SchemaBody> {
      const workspace = await deps.workspaces.authorize(actor, workspaceSlug, 'workspace.read');
      const environment = await deps.environments.findByName(workspace.id, name);
      if (!environment)
        throw new NotFoundError(`environment "${name}" not found in workspace "${workspaceSlug}"`);
      const cluster = environment.cluster;
      if (!cluster) {
        throw new ConflictError(
          `environment "${name}" has no cluster; use the built-in schema (GET /api/v1/kubernetes-schema)`,
        );
      }
      const kube = deps.clients.clientFor(cluster);
      try {
        const [version, paths] = await Promise.all([kube.serverVersion(), kube.openApiV3Paths()]);
        const index = createHash('sha256').update(JSON.stringify(paths)).digest('base64url').slice(0, 16);
        const key = `${cluster.id}|${version.gitVersion}|${index}`;
        return (await schemas.fetch(key, { context: { kube, paths } })) as SchemaBody;
      } catch (error) {
        return badGateway(error, cluster.name);
      }
    },
  };
}

export type KubernetesSchemaService = ReturnType<typeof createKubernetesSchemaService>;
