#!/usr/bin/env bash
# Builds SeaweedFS's `weed` (github.com/seaweedfs/seaweedfs/weed at SEAWEEDFS_VERSION from
# versions.env, Apache-2.0) from its Go module through the Go module proxy and caches it
# outside the repository:
#   ${SLIPWAY_CACHE_DIR:-$HOME/.cache/slipway}/seaweedfs/<SEAWEEDFS_VERSION>/bin/weed
# Its S3 gateway is the real S3-compatible object store the artifact store's tests run
# against (packages/testing/src/s3-server.ts starts it on loopback).
#
# Usage:
#   ./build-seaweedfs.sh                 build if the cache entry is missing (else no-op;
#                                        the first build takes 10-20 minutes on 2 cores)
#   ./build-seaweedfs.sh --force         rebuild even if the cache entry exists
#   ./build-seaweedfs.sh --sync-modules  regenerate go/seaweedfs/go.mod + go.sum from versions.env
#                                        (run after changing SEAWEEDFS_VERSION; commit the result)
#   ./build-seaweedfs.sh --print-bin-dir print the cache bin dir and exit
# The last line on stdout is WEED=<path of the weed binary>.
set -euo pipefail

# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

WEED_MOD_DIR="$TC_DIR/go/seaweedfs"
WEED_BIN_DIR="$SLIPWAY_CACHE_DIR/seaweedfs/$SEAWEEDFS_VERSION/bin"
parse_build_args "$WEED_BIN_DIR" 16 "${BASH_SOURCE[0]}" "$@"

if [[ "$FORCE" == 0 && "$SYNC" == 0 && -x "$WEED_BIN_DIR/weed" && -f "$WEED_BIN_DIR/.complete" ]]; then
  log "using cached weed in $WEED_BIN_DIR"
  echo "WEED=$WEED_BIN_DIR/weed"
  exit 0
fi

go_build_env
if [[ "$SYNC" == 1 ]]; then
  sync_tool_module "$WEED_MOD_DIR" slipway.local/test-cluster/seaweedfs github.com/seaweedfs/seaweedfs/weed \
    github.com/seaweedfs/seaweedfs "$SEAWEEDFS_VERSION" build-seaweedfs.sh
fi
check_tool_module "$WEED_MOD_DIR" github.com/seaweedfs/seaweedfs "$SEAWEEDFS_VERSION" build-seaweedfs.sh
build_tool_binary weed "$WEED_BIN_DIR" "$WEED_MOD_DIR" github.com/seaweedfs/seaweedfs/weed "-s -w" \
  "seaweedfs=$SEAWEEDFS_VERSION"
echo "WEED=$WEED_BIN_DIR/weed"
