// Writes the built-in Kubernetes schema (apps/api/src/modules/kubernetes-schema/
// builtin-kubernetes-schema.json): the core kinds only, from the OpenAPI v3 of the local test
// cluster (packages/test-cluster; start it with `./run kube:up`), converted like an
// environment's schema. Run it after the test cluster's Kubernetes version changes:
//   pnpm --filter @slipway/api generate:kubernetes-schema [--kubeconfig <file>]
// Default kubeconfig: $KUBECONFIG, else the test cluster's admin kubeconfig.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createKubeClient } from '@slipway/kube';
import { BUILT_IN_KINDS } from '../src/modules/kubernetes-schema/builtin-kinds.ts';
import {
  BUILT_IN_SCHEMA_FILE,
  readOpenApiDocuments,
} from '../src/modules/kubernetes-schema/kubernetes-schema.service.ts';
import {
  apiVersionOf,
  toKubernetesJsonSchema,
} from '../src/modules/kubernetes-schema/openapi-to-json-schema.ts';

const { values } = parseArgs({ options: { kubeconfig: { type: 'string' } } });
const stateDir =
  process.env.SLIPWAY_KUBE_DIR ??
  path.join(process.env.SLIPWAY_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'slipway'), 'kube', 'cluster');
const kubeconfigFile = values.kubeconfig ?? process.env.KUBECONFIG ?? path.join(stateDir, 'admin.kubeconfig');

const kube = createKubeClient({ kubeconfig: readFileSync(kubeconfigFile, 'utf8') }, { timeoutMs: 30_000 });
const version = (await kube.serverVersion()).gitVersion;
const wanted = new Set(BUILT_IN_KINDS.map((k) => `${k.apiVersion} ${k.kind}`));
const schema = toKubernetesJsonSchema(await readOpenApiDocuments(kube, await kube.openApiV3Paths()), {
  title: `Kubernetes core kinds (${version})`,
  keep: (gvk) => wanted.has(`${apiVersionOf(gvk)} ${gvk.kind}`),
});
const found = new Set(
  schema.anyOf.map((branch) => {
    const properties = branch.properties as Record<string, { enum: string[] }>;
    return `${properties.apiVersion?.enum[0]} ${properties.kind?.enum[0]}`;
  }),
);
const missing = [...wanted].filter((key) => !found.has(key));
if (missing.length > 0) throw new Error(`the cluster (${version}) serves none of: ${missing.join(', ')}`);

const file = fileURLToPath(BUILT_IN_SCHEMA_FILE);
writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
// Formatted like every committed file, so `./run lint` passes.
const root = fileURLToPath(new URL('../../../', import.meta.url));
execFileSync('pnpm', ['exec', 'biome', 'format', '--write', file], { cwd: root, stdio: 'inherit' });
console.log(
  `wrote ${path.relative(root, file)}: ${schema.anyOf.length} kinds, ${Object.keys(schema.definitions).length} definitions (${version})`,
);
