import {
  ApiException,
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  RequestContext,
} from '@kubernetes/client-node';
import { KubeError } from './errors.ts';

/** Where an object of any kind lives: its apiVersion (`apps/v1`, `v1`), kind, name and namespace. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string | undefined;
}

/**
 * Field validation of a write (Kubernetes API `fieldValidation` query parameter, since 1.27):
 * `Strict` fails on unknown or duplicate fields, `Warn` only warns, `Ignore` drops them silently.
 */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

const http = new IsomorphicFetchHttpLibrary();

/**
 * One JSON request to the API server with the kubeconfig's credentials (impersonation headers
 * included). `path` is server-relative and may carry its own query (`/openapi/v3/apis/apps/v1?hash=…`).
 * The body is sent as JSON text (valid YAML too, so also for `application/apply-patch+yaml`).
 * A non-2xx answer throws the client library's `ApiException` (turned into a `KubeError` by the caller).
 *
 * Written here rather than through `KubernetesObjectApi` because that one serializes known kinds
 * through their generated models, which silently drops fields the model does not know — and
 * Strict field validation must see exactly what the user wrote.
 */
export async function requestJson(
  kc: KubeConfig,
  method: HttpMethod,
  path: string,
  options: { query?: Record<string, string | undefined>; body?: unknown; contentType?: string } = {},
): Promise<unknown> {
  const server = kc.getCurrentCluster()?.server ?? '';
  const url = new URL(server.replace(/\/+$/, '') + path);
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  const context = new RequestContext(url.toString(), method);
  context.setHeaderParam('Accept', 'application/json');
  if (options.body !== undefined) {
    context.setHeaderParam('Content-Type', options.contentType ?? 'application/json');
    context.setBody(JSON.stringify(options.body));
  }
  await kc.applySecurityAuthentication(context);
  const response = await http.send(context).toPromise();
  const text = await response.body.text();
  if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
    throw new ApiException(response.httpStatusCode, 'Unsuccessful HTTP Request', text, response.headers);
  }
  return text ? JSON.parse(text) : undefined;
}

/**
 * client-node's discovery of kinds (its `KubernetesObjectApi.resource`, cached per apiVersion),
 * opened up: Slipway sends the requests itself (see `requestJson`) but resolves kinds through it.
 */
export class Discovery extends KubernetesObjectApi {
  /** The API resource (plural name, namespaced or not) of a kind, or undefined when the group-version has no such kind. */
  resourceOf(apiVersion: string, kind: string) {
    return this.resource(apiVersion, kind);
  }
}

/** The namespace of the kubeconfig's current context, else `default` (what kubectl uses). */
export function contextNamespace(kc: KubeConfig): string {
  return kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
}

/**
 * The REST path of one object, from the cluster's discovery (`/api/v1`, `/apis/<group>/<version>`;
 * cached by the client library, asked again for a kind it has not seen, so CRDs installed later
 * are found). A namespaced kind without a namespace goes to `defaultNamespace`.
 * An apiVersion the cluster does not serve, or a kind it does not know there, is a 400 naming
 * `apiVersion` / `kind` in `causes`.
 */
export async function objectPath(
  discovery: Discovery,
  ref: ObjectRef,
  defaultNamespace: string,
): Promise<string> {
  let resource: Awaited<ReturnType<Discovery['resourceOf']>>;
  try {
    resource = await discovery.resourceOf(ref.apiVersion, ref.kind);
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) {
      throw new KubeError(400, `the cluster serves no API "${ref.apiVersion}"`, {
        kubeStatus: 404,
        cause: error,
        causes: [{ field: 'apiVersion', message: `"${ref.apiVersion}" is not served by this cluster` }],
      });
    }
    throw error;
  }
  if (!resource) {
    throw new KubeError(400, `the cluster has no kind "${ref.kind}" in "${ref.apiVersion}"`, {
      causes: [{ field: 'kind', message: `"${ref.kind}" is not a kind of "${ref.apiVersion}" here` }],
    });
  }
  const root = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
  const namespace = resource.namespaced
    ? `/namespaces/${encodeURIComponent(ref.namespace || defaultNamespace)}`
    : '';
  return `${root}${namespace}/${resource.name}/${encodeURIComponent(ref.name)}`;
}

/** The reference of an object as written (apiVersion, kind, metadata.name/namespace). */
export function refOf(object: KubernetesObject): ObjectRef {
  return {
    apiVersion: object.apiVersion ?? 'v1',
    kind: object.kind ?? '',
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace,
  };
}

/** `Kind namespace/name` (or `Kind name` for a cluster-scoped object), for messages. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

export { HttpMethod };
