/**
 * The production build of the API: bundles `src/server.ts` and `src/migrate.ts` with esbuild
 * into `dist/` as ES modules that plain `node` runs (no tsx, no TypeScript at run time).
 *
 * The `@slipway/*` workspace packages are TypeScript sources, so they are bundled in; every
 * npm package stays an external import, resolved at run time from the production
 * `node_modules` that `scripts/assemble.sh` installs (native and WASM packages such as
 * argon2, PGlite and Prisma's query compiler load their own files and cannot be inlined).
 * Files read next to a module (the built-in Kubernetes schema) are copied beside the bundle.
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const API_DIR = fileURLToPath(new URL('../', import.meta.url));
const OUT_DIR = `${API_DIR}dist`;

/** Bare imports other than `@slipway/*` (and `node:` built-ins) stay imports of node_modules. */
const externalNpmPackages: Plugin = {
  name: 'external-npm-packages',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@slipway/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

await rm(OUT_DIR, { recursive: true, force: true });
await mkdir(OUT_DIR, { recursive: true });
const result = await build({
  absWorkingDir: API_DIR,
  entryPoints: { server: 'src/server.ts', migrate: 'src/migrate.ts' },
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  // Chunks stay beside the entries: modules that find files by their own URL (install-root.ts,
  // the migrator) must sit at the same depth below the root as in the source tree.
  chunkNames: '[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node22.12',
  sourcemap: 'linked',
  // Keep class and function names: log lines, error names (`DatabaseUnreachableError`) and stack traces read them.
  keepNames: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  plugins: [externalNpmPackages],
});
await copyFile(
  `${API_DIR}src/modules/kubernetes-schema/builtin-kubernetes-schema.json`,
  `${OUT_DIR}/builtin-kubernetes-schema.json`,
);
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
process.stdout.write(
  `api: bundled into ${OUT_DIR} (${(bytes / 1024 / 1024).toFixed(1)} MiB with source maps)\n`,
);
