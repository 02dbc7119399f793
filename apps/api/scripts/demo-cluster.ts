// `./run demo:cluster`: turns the embedded demo into one that deploys. Against a running
// Slipway (SLIPWAY_URL, default http://127.0.0.1:8080; signed in as `admin` with
// SLIPWAY_ADMIN_PASSWORD) it registers the local Kubernetes control plane (started with
// `./run kube:up`, reused when running), adds the environments `staging` and `production`
// (production with its approval policy) to workspace `demo`, the manifest set `hello` and
// the config set `hello-config` to project `hello`, and saves pipeline `ci` with release
// type `release`, which builds and deploys. Production's policy wants one operator's
// approval, never the starter's own: the script adds user `ops` (password
// SLIPWAY_DEMO_OPS_PASSWORD, else one it generates and prints), an operator of `hello`, who
// approves production deploys in the approvals inbox. Everything goes through the public
// API, so the script is also a walk through it; running it twice changes nothing the second time.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  clusterEndpoints,
  configEndpoints,
  type Endpoint,
  type EndpointBody,
  type EndpointParams,
  type EndpointResponse,
  endpointUrl,
  environmentEndpoints,
  manifestEndpoints,
  pipelineEndpoints,
  projectMemberEndpoints,
  userEndpoints,
} from '@slipway/contracts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLE = path.join(ROOT, 'examples/hello');
const DEMO = { workspace: 'demo', project: 'hello', pipeline: 'ci', cluster: 'local' } as const;
/** The operator who approves production deploys (the admin starts them, and may not approve their own). */
const OPS_USER = 'ops';
const ENVIRONMENTS = [
  { name: 'staging', order: 1, production: false },
  { name: 'production', order: 2, production: true },
] as const;

/** A failed API call: the status and the API's error message. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The admin kubeconfig of the local control plane: the file `SLIPWAY_KUBECONFIG` names, or
 * else the one packages/test-cluster/up.sh prints last (it starts the cluster or reuses it).
 */
async function localKubeconfig(): Promise<string> {
  if (process.env.SLIPWAY_KUBECONFIG) return readFile(process.env.SLIPWAY_KUBECONFIG, 'utf8');
  const { stdout } = await promisify(execFile)('bash', [path.join(ROOT, 'packages/test-cluster/up.sh')], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const file = stdout
    .trim()
    .split('\n')
    .at(-1)
    ?.match(/^KUBECONFIG=(.+)$/)?.[1];
  if (!file) throw new Error('packages/test-cluster/up.sh did not print KUBECONFIG=<path>');
  return readFile(file, 'utf8');
}

/** The `message` of an API error body, or the text as it came. */
function messageOf(text: string): string {
  try {
    return (JSON.parse(text) as { message?: string }).message ?? text;
  } catch {
    return text;
  }
}

async function signIn(baseUrl: string, password: string) {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  if (!response.ok)
    throw new ApiError(response.status, `signing in as admin failed: ${await response.text()}`);
  const cookie = (response.headers.getSetCookie() ?? []).map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return async function call<E extends Endpoint>(
    endpoint: E,
    params: EndpointParams<E>,
    body?: EndpointBody<E>,
  ): Promise<EndpointResponse<E>> {
    const url = `${baseUrl}${endpointUrl(endpoint.path, params as Record<string, string> | undefined)}`;
    const answer = await fetch(url, {
      method: endpoint.method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await answer.text();
    if (!answer.ok)
      throw new ApiError(answer.status, `${endpoint.operationId}: ${answer.status} ${messageOf(text)}`);
    return (text ? JSON.parse(text) : undefined) as EndpointResponse<E>;
  };
}

/** Runs `create`; an answer of 409 (it exists already) is fine. Returns whether it created. */
async function createOnce(what: string, create: () => Promise<unknown>): Promise<boolean> {
  try {
    await create();
    console.log(`created ${what}`);
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      console.log(`${what} exists already`);
      return false;
    }
    throw error;
  }
}

async function main() {
  const baseUrl = (process.env.SLIPWAY_URL ?? `http://127.0.0.1:${process.env.PORT ?? '8080'}`).replace(
    /\/$/,
    '',
  );
  const password = process.env.SLIPWAY_ADMIN_PASSWORD;
  if (!password) {
    throw new Error(
      'set SLIPWAY_ADMIN_PASSWORD to the admin password (printed once as "generated password" on the first start)',
    );
  }
  const call = await signIn(baseUrl, password);
  // Namespaces `<prefix>-staging` and `<prefix>-production` (the default is the workspace's
  // own default); tests use a prefix of their own on a shared cluster.
  const namespacePrefix = process.env.SLIPWAY_DEMO_NAMESPACE_PREFIX ?? DEMO.workspace;
  const project = { workspace: DEMO.workspace, project: DEMO.project };

  const kubeconfig = await localKubeconfig();
  await createOnce(`cluster "${DEMO.cluster}"`, () =>
    call(clusterEndpoints.create, undefined, {
      name: DEMO.cluster,
      description: 'The local control plane (./run kube:up): etcd, kube-apiserver, KWOK nodes',
      kubeconfig,
    }),
  );
  for (const environment of ENVIRONMENTS) {
    await createOnce(`environment "${environment.name}"`, () =>
      call(
        environmentEndpoints.create,
        { workspace: DEMO.workspace },
        {
          name: environment.name,
          cluster: DEMO.cluster,
          namespace: `${namespacePrefix}-${environment.name}`,
          order: environment.order,
          production: environment.production,
        },
      ),
    );
  }

  const opsPassword = process.env.SLIPWAY_DEMO_OPS_PASSWORD ?? randomBytes(12).toString('base64url');
  const opsCreated = await createOnce(`user "${OPS_USER}"`, () =>
    call(userEndpoints.create, undefined, {
      username: OPS_USER,
      password: opsPassword,
      displayName: 'Ops (approves production deploys)',
    }),
  );
  await createOnce(`"${OPS_USER}" as operator of project "${DEMO.project}"`, () =>
    call(projectMemberEndpoints.add, project, { user: OPS_USER, role: 'operator' }),
  );

  const files: Record<string, string> = {};
  for (const name of (await readdir(path.join(EXAMPLE, 'deploy'))).sort()) {
    files[name] = await readFile(path.join(EXAMPLE, 'deploy', name), 'utf8');
  }
  await createOnce('manifest set "hello"', () =>
    call(manifestEndpoints.create, project, {
      name: 'hello',
      files,
      message: 'The sample app: Deployment and Service',
    }),
  );

  const configSet = { ...project, name: 'hello-config' };
  await createOnce('config set "hello-config"', () =>
    call(configEndpoints.create, project, {
      name: 'hello-config',
      description: 'The sample app’s application.yml',
    }),
  );
  const application = await readFile(path.join(EXAMPLE, 'config/application.yml'), 'utf8');
  for (const environment of ENVIRONMENTS) {
    const versions = await call(configEndpoints.versions, { ...configSet, environment: environment.name });
    if (versions.items.length > 0) {
      console.log(`config set "hello-config" has versions in ${environment.name} already`);
      continue;
    }
    const created = await call(
      configEndpoints.createVersion,
      { ...configSet, environment: environment.name },
      { data: { 'application.yml': application }, message: 'First configuration' },
    );
    console.log(
      `config "hello-config" v${created.version} for ${environment.name} (ConfigMap ${created.configMapName})`,
    );
  }

  const spec = await readFile(path.join(EXAMPLE, 'release.yaml'), 'utf8');
  const pipeline = await call(pipelineEndpoints.get, { ...project, pipeline: DEMO.pipeline });
  if (pipeline.spec === spec) {
    console.log('pipeline "ci" deploys already');
  } else {
    const saved = await call(
      pipelineEndpoints.update,
      { ...project, pipeline: DEMO.pipeline },
      { spec, baseRevision: pipeline.revision, message: 'Release type "release": build and deploy' },
    );
    console.log(`pipeline "ci" revision ${saved.revision}: release type "release" builds and deploys`);
  }
  console.log(
    [
      '',
      `Open ${baseUrl}/workspaces/demo/projects/hello/pipelines/ci, click Run, pick release type`,
      '"release" and environment "staging": the run builds and deploys hello (Deployment +',
      'Service, ConfigMap hello-config-v1). Change the config (project hello → Config sets),',
      'deploy again, then roll back from project hello → Releases → release 1.',
      '',
      'Deploying to "production" waits for its approval policy (one operator, never the one who',
      `started it): sign in as "${OPS_USER}"${
        opsCreated && !process.env.SLIPWAY_DEMO_OPS_PASSWORD ? ` (password: ${opsPassword})` : ''
      }, open Approvals, review the image, config and`,
      'manifest diff, and approve: the release joins production’s deploy queue and deploys.',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(`demo:cluster failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
