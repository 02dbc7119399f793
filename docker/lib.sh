# Shared by docker/*.sh (sourced, not run): the tools and storage every script uses.
# buildah runs with the vfs storage driver and chroot isolation: no overlay mounts and no
# runtime (crun/runc cannot set rlimits in these sandboxes), so it works as root anywhere.

export STORAGE_DRIVER="${STORAGE_DRIVER:-vfs}"
export BUILDAH_ISOLATION="${BUILDAH_ISOLATION:-chroot}"
SLIPWAY_IMAGE_CACHE="${SLIPWAY_IMAGE_CACHE:-$HOME/.cache/slipway/image}"
# The base image's name: what `FROM node:24-bookworm-slim` resolves to.
BASE_IMAGE="docker.io/library/node:24-bookworm-slim"

log() { printf '[image] %s\n' "$*" >&2; }

# Installs buildah, debootstrap and skopeo from Debian's packages when one is missing
# (like apps/console/e2e/ensure-chromium.sh does for Chromium); needs root or sudo.
ensure_image_tools() {
  local missing=()
  command -v buildah >/dev/null 2>&1 || missing+=(buildah)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
  [ "${#missing[@]}" -eq 0 ] && return 0
  log "installing ${missing[*]} from Debian's packages"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
}

bah() { buildah --storage-driver "$STORAGE_DRIVER" "$@"; }
