#!/usr/bin/env bash
# Builds the platform image slipway/slipway:<version> from docker/Dockerfile with buildah
# (no Docker daemon here): makes sure buildah and the local base image exist, then
#   buildah bud --isolation chroot --pull-never --storage-driver vfs -f docker/Dockerfile .
# Prints the image name on stdout; the size and the build time on stderr.
# Reused when the tag was built from the same sources and base (annotation slipway.source-key:
# the git tree of the work tree, untracked files included, plus the base image's key).
#   docker/build-image.sh [--force] [tag]   (tag: default slipway/slipway:<package.json version>)
set -euo pipefail

# -h/--help prints the comment above; any other option this script does not know is refused.
case "${1:-}" in
  -h | --help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=docker/lib.sh
. "$ROOT/docker/lib.sh"
cd "$ROOT"

VERSION="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' package.json)"
FORCE=""
[ "${1:-}" = "--force" ] && { FORCE=1; shift; }
case "${1:-}" in -*) echo "build-image.sh: unknown option $1 (usage: docker/build-image.sh [--force] [tag])" >&2; exit 2 ;; esac
TAG="${1:-slipway/slipway:$VERSION}"

ensure_image_tools
bash "$ROOT/docker/base-image.sh" >/dev/null
annotation() { bah inspect --type image --format "{{index .ImageAnnotations \"$2\"}}" "$1" 2>/dev/null || true; }

SOURCE_KEY=""
if git rev-parse --git-dir >/dev/null 2>&1; then
  index="$(mktemp)"
  rm -f "$index"
  # The build context: what .dockerignore leaves out of it is left out of the key too.
  tree="$(GIT_INDEX_FILE="$index" git add -A -- . ':(exclude)README.md' ':(exclude)charts' \
    ':(exclude)docker/test' ':(exclude).ci' && GIT_INDEX_FILE="$index" git write-tree)"
  rm -f "$index"
  SOURCE_KEY="$tree-$(annotation "$BASE_IMAGE" slipway.base-key)"
  if [ -z "$FORCE" ] && [ "$(annotation "$TAG" slipway.source-key)" = "$SOURCE_KEY" ]; then
    log "$TAG is up to date (sources $tree)"
    echo "$TAG"
    exit 0
  fi
fi

# Behind a TLS-intercepting proxy (NODE_EXTRA_CA_CERTS on the host), the build stage's
# downloads (corepack, pnpm) trust the same CA bundle, mounted read-only into each RUN.
build_args=()
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  build_args=(--volume "$NODE_EXTRA_CA_CERTS:/run/slipway-build-ca.crt:ro"
    --build-arg NODE_EXTRA_CA_CERTS=/run/slipway-build-ca.crt)
fi
# corepack checks pnpm's npm signature; a registry mirror that serves none (as here) makes it
# fail, so only then is the check turned off (the tarball's integrity is still checked).
PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' package.json)"
if command -v npm >/dev/null && [ -z "$(npm view "pnpm@$PNPM_VERSION" dist.signatures --json 2>/dev/null)" ]; then
  log "the npm registry serves no signature for pnpm@$PNPM_VERSION: corepack's signature check is off"
  build_args+=(--build-arg COREPACK_INTEGRITY_KEYS=0)
fi

# The image this build replaces: removed afterwards when no tag names it any more (vfs keeps a
# full copy of every image, ~0.5 GB each).
previous="$(bah inspect --type image --format '{{.FromImageID}}' "$TAG" 2>/dev/null || true)"

started=$SECONDS
log "buildah bud -f docker/Dockerfile -t $TAG ."
bah bud --isolation chroot --pull-never --network host "${build_args[@]}" \
  --annotation "slipway.source-key=$SOURCE_KEY" \
  -f "${SLIPWAY_DOCKERFILE:-docker/Dockerfile}" -t "$TAG" . >&2
log "built $TAG in $((SECONDS - started)) s; size $(bah images --noheading --format '{{.Size}}' "$TAG") (uncompressed)"
if [ -n "$previous" ] && [ "$previous" != "$(bah inspect --type image --format '{{.FromImageID}}' "$TAG")" ]; then
  bah rmi "$previous" >/dev/null 2>&1 || true
fi
echo "$TAG"
