#!/usr/bin/env bash
# Runs the image's entrypoint on this machine the way Kubernetes runs the chart's pod, without a
# container runtime (podman/crun cannot set rlimits in these sandboxes): buildah run with chroot
# isolation and the host network, as the image's user (1000), with the root file system
# read-only, /tmp a tmpfs and SLIPWAY_DATA_DIR (/var/lib/slipway) a writable host directory.
# SIGTERM or SIGINT to this script goes to the entrypoint's first process (tini), as kubelet
# sends it to PID 1; the script exits with the entrypoint's exit code.
#   docker/run-image.sh [-e NAME=VALUE]... [--data DIR] [image [command...]]
# image: slipway/slipway:<version>; a command replaces the entrypoint (as a pod's `command` does),
# e.g. `docker/run-image.sh -e DATABASE_URL=… slipway/slipway:0.1.0 node /app/apps/api/dist/migrate.js`.
# Prints "[image] entrypoint pid <pid>" on stderr once it runs (tini's pid on this host).
set -euo pipefail

# -h/--help prints the comment above; any other option this script does not know is refused.
case "${1:-}" in
  -h | --help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=docker/lib.sh
. "$ROOT/docker/lib.sh"

envs=()
DATA=""
while [ $# -gt 0 ]; do
  case "$1" in
    -e) envs+=(--env "$2"); shift 2 ;;
    --data) DATA="$2"; shift 2 ;;
    -*) echo "run-image.sh: unknown option $1 (docker/run-image.sh --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
VERSION="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$ROOT/package.json")"
IMAGE="${1:-slipway/slipway:$VERSION}"
[ $# -gt 0 ] && shift
command=("$@")

if [ "${#command[@]}" -eq 0 ]; then
  # The entrypoint as the image declares it (Go's list syntax: no argument contains a space).
  entrypoint="$(bah inspect --type image --format '{{.OCIv1.Config.Entrypoint}}' "$IMAGE")"
  entrypoint="${entrypoint#[}"
  entrypoint="${entrypoint%]}"
  read -r -a command <<<"$entrypoint"
fi
[ "${#command[@]}" -gt 0 ] || { log "$IMAGE has no entrypoint"; exit 1; }

CONTAINER="slipway-run-$$"
MNT=""
OWN_DATA=""
RUN_PID=""
cleanup() {
  [ -n "$MNT" ] && { umount "$MNT/run" 2>/dev/null || true; umount "$MNT" 2>/dev/null || true; }
  bah rm "$CONTAINER" >/dev/null 2>&1 || true
  [ -n "$OWN_DATA" ] && rm -rf "$OWN_DATA"
  return 0
}
trap cleanup EXIT

bah from --pull-never --name "$CONTAINER" "$IMAGE" >/dev/null
MNT="$(bah mount "$CONTAINER")"
# The read-only root: the container's directory bound onto itself, read-only. buildah binds
# /run/.containerenv onto a file it creates and removes afterwards, so /run is a tmpfs owned by
# root (mode 755: not writable by the server's user either).
mount --bind "$MNT" "$MNT"
mount -o remount,bind,ro "$MNT"
mount -t tmpfs -o mode=755 tmpfs "$MNT/run"
if [ -z "$DATA" ]; then
  OWN_DATA="$(mktemp -d "${TMPDIR:-/tmp}/slipway-image-data.XXXXXX")"
  DATA="$OWN_DATA"
fi
chown 1000:1000 "$DATA"

# tini is not PID 1 here (chroot isolation shares the host's PID namespace): as a subreaper it
# still reaps the server's orphaned children, as it would as PID 1.
bah run --isolation chroot --network host \
  --mount type=tmpfs,destination=/tmp \
  --volume "$DATA:/var/lib/slipway" \
  --env TINI_SUBREAPER=1 "${envs[@]}" \
  "$CONTAINER" -- "${command[@]}" &
RUN_PID=$!

# The entrypoint's first process: the descendant of buildah run named like its command.
name="$(basename "${command[0]}")"
find_entrypoint() {
  local queue=("$RUN_PID") pid child
  while [ "${#queue[@]}" -gt 0 ]; do
    pid="${queue[0]}"
    queue=("${queue[@]:1}")
    for child in $(pgrep -P "$pid" || true); do
      [ "$(cat "/proc/$child/comm" 2>/dev/null)" = "$name" ] && { echo "$child"; return 0; }
      queue+=("$child")
    done
  done
  return 1
}
ENTRY_PID=""
while kill -0 "$RUN_PID" 2>/dev/null; do
  ENTRY_PID="$(find_entrypoint || true)"
  [ -n "$ENTRY_PID" ] && break
  sleep 0.05
done
[ -n "$ENTRY_PID" ] && log "entrypoint pid $ENTRY_PID"
forward() { [ -n "$ENTRY_PID" ] && kill "-$1" "$ENTRY_PID" 2>/dev/null || true; }
trap 'forward TERM' TERM
trap 'forward INT' INT

status=0
while true; do
  wait "$RUN_PID" && status=0 || status=$?
  # A trapped signal interrupts wait with a status above 128: wait again for the real exit.
  kill -0 "$RUN_PID" 2>/dev/null || break
done
exit "$status"
