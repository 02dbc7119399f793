#!/usr/bin/env bash
# Assembles the production server into one self-contained directory:
#   <dir>/apps/api/dist/        the bundled API (server.js, migrate.js; `pnpm run build` makes it)
#   <dir>/apps/console/dist/    the built console
#   <dir>/prisma/migrations/    the SQL migrations the server applies at start-up
#   <dir>/examples/hello/       the demo project (seeded only on the embedded database)
#   <dir>/node_modules/         production dependencies only, flat (no tsx, no dev tooling)
#   <dir>/package.json          marks the bundle as ES modules
# Run it with `node <dir>/apps/api/dist/server.js`. The layout mirrors the repository so that
# apps/api/src/install-root.ts finds the same files bundled and unbundled.
# Usage: ./run assemble <dir>     (the directory must be empty or absent)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: ./run assemble <dir>   (after ./run build; <dir> must be empty or absent)" >&2
  exit 2
fi
OUT="$1"
case "$OUT" in /*) ;; *) OUT="${INIT_CWD:-$PWD}/$OUT" ;; esac
cd "$ROOT"

for built in apps/api/dist/server.js apps/api/dist/migrate.js apps/console/dist/index.html; do
  [ -f "$built" ] || { echo "assemble: $built is missing: run \`./run build\` first" >&2; exit 1; }
done
if [ -e "$OUT" ] && [ -n "$(ls -A "$OUT" 2>/dev/null)" ]; then
  echo "assemble: $OUT is not empty" >&2
  exit 1
fi
mkdir -p "$OUT"

# pnpm deploy installs the API's production dependency closure; the hoisted (flat) layout lets
# the bundle, which inlines the workspace packages, import their npm dependencies too.
STAGE="$(mktemp -d "${TMPDIR:-/tmp}/slipway-assemble.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
pnpm --filter @slipway/api deploy --prod --legacy --config.node-linker=hoisted \
  --config.confirm-modules-purge=false "$STAGE/api" >&2
mv "$STAGE/api/node_modules" "$OUT/node_modules"
# Not needed at run time: the workspace packages (inlined in the bundle), TypeScript (only an
# optional peer of @prisma/client, pulled in because the workspace has it), type declarations,
# source maps, and Prisma's query compilers for databases other than PostgreSQL (the generated
# client imports only query_compiler_fast_bg.postgresql).
rm -rf "$OUT/node_modules/@slipway" "$OUT/node_modules/.bin" "$OUT/node_modules/.pnpm" \
  "$OUT/node_modules/.modules.yaml" "$OUT/node_modules/typescript" \
  "$OUT/node_modules/@typescript"
find "$OUT/node_modules" -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -delete
find "$OUT/node_modules/@prisma/client/runtime" -type f -name 'query_compiler_*' \
  ! -name 'query_compiler_fast_bg.postgresql.*' -delete

mkdir -p "$OUT/apps/api" "$OUT/apps/console" "$OUT/prisma" "$OUT/examples"
cp -R apps/api/dist "$OUT/apps/api/dist"
cp -R apps/console/dist "$OUT/apps/console/dist"
cp -R prisma/migrations "$OUT/prisma/migrations"
cp -R examples/hello "$OUT/examples/hello"
version="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' package.json)"
node_range="$(sed -n 's/^    "node": "\(.*\)"$/\1/p' package.json)"
printf '{\n  "name": "slipway",\n  "version": "%s",\n  "private": true,\n  "type": "module",\n  "engines": { "node": "%s" }\n}\n' \
  "$version" "$node_range" >"$OUT/package.json"
echo "assembled the server in $OUT ($(du -sh "$OUT" | cut -f1)); run: node $OUT/apps/api/dist/server.js" >&2
