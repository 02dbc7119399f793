#!/usr/bin/env bash
# Builds the platform image slipway/slipway:<version> from docker/Dockerfile with buildah
# (no Docker daemon here): makes sure buildah and the local base image exist, then
#   buildah bud --isolation chroot --pull-never --storage-driver vfs -f docker/Dockerfile .
# Prints the image name on stdout; the size and the build time on stderr.
#   docker/build-image.sh [tag]        (tag: default slipway/slipway:<package.json version>)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=docker/lib.sh
. "$ROOT/docker/lib.sh"
cd "$ROOT"

VERSION="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' package.json)"
TAG="${1:-slipway/slipway:$VERSION}"

ensure_image_tools
bash "$ROOT/docker/base-image.sh" >/dev/null

# Behind a TLS-intercepting proxy (NODE_EXTRA_CA_CERTS on the host), the build stage's
# downloads (corepack, pnpm) trust the same CA bundle, mounted read-only into each RUN.
proxy_ca=()
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  proxy_ca=(--volume "$NODE_EXTRA_CA_CERTS:/run/slipway-build-ca.crt:ro"
    --build-arg NODE_EXTRA_CA_CERTS=/run/slipway-build-ca.crt)
fi
# corepack checks pnpm's npm signature; a registry mirror that serves none (as here) makes it
# fail, so only then is the check turned off (the tarball's integrity is still checked).
PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' package.json)"
if [ -z "$(npm view "pnpm@$PNPM_VERSION" dist.signatures --json 2>/dev/null)" ]; then
  log "the npm registry serves no signature for pnpm@$PNPM_VERSION: corepack's signature check is off"
  proxy_ca+=(--build-arg COREPACK_INTEGRITY_KEYS=0)
fi

started=$SECONDS
log "buildah bud -f docker/Dockerfile -t $TAG ."
bah bud --isolation chroot --pull-never --network host "${proxy_ca[@]}" \
  -f "${SLIPWAY_DOCKERFILE:-docker/Dockerfile}" -t "$TAG" . >&2
size="$(bah inspect --type image --format '{{.Size}}' "$TAG" 2>/dev/null || true)"
[ -n "$size" ] || size="$(bah images --noheading --format '{{.Size}}' "$TAG")"
log "built $TAG in $((SECONDS - started)) s; size $(bah images --noheading --format '{{.Size}}' "$TAG") (uncompressed)"
echo "$TAG"
