#!/usr/bin/env bash
# Builds Helm (helm.sh/helm/v3/cmd/helm at HELM_VERSION from versions.env) from
# its Go module through the Go module proxy and caches it outside the repository:
#   ${SLIPWAY_CACHE_DIR:-$HOME/.cache/slipway}/helm/<HELM_VERSION>/bin/helm
# Used by the chart tests (charts/slipway/test) and by developers.
#
# Usage:
#   ./build-helm.sh                 build if the cache entry is missing (else no-op)
#   ./build-helm.sh --force         rebuild even if the cache entry exists
#   ./build-helm.sh --sync-modules  regenerate go/helm/go.mod + go.sum from versions.env
#                                   (run after changing HELM_VERSION; commit the result)
#   ./build-helm.sh --print-bin-dir print the cache bin dir and exit
# The last line on stdout is HELM=<path of the helm binary>.
set -euo pipefail

# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

HELM_MOD_DIR="$TC_DIR/go/helm"
HELM_BIN_DIR="$SLIPWAY_CACHE_DIR/helm/$HELM_VERSION/bin"
parse_build_args "$HELM_BIN_DIR" 13 "${BASH_SOURCE[0]}" "$@"

if [[ "$FORCE" == 0 && "$SYNC" == 0 && -x "$HELM_BIN_DIR/helm" && -f "$HELM_BIN_DIR/.complete" ]]; then
  log "using cached helm in $HELM_BIN_DIR"
  echo "HELM=$HELM_BIN_DIR/helm"
  exit 0
fi

go_build_env
if [[ "$SYNC" == 1 ]]; then
  sync_tool_module "$HELM_MOD_DIR" slipway.local/test-cluster/helm helm.sh/helm/v3/cmd/helm \
    helm.sh/helm/v3 "$HELM_VERSION" build-helm.sh
fi
check_tool_module "$HELM_MOD_DIR" helm.sh/helm/v3 "$HELM_VERSION" build-helm.sh

# Version stamping as in helm's Makefile: `helm version` reports the release,
# and `helm template`/`helm lint` default to the Kubernetes minor of the
# client-go helm is built with (k8s.io/client-go v0.X.Y -> 1.X).
CLIENT_GO="$(cd "$HELM_MOD_DIR" && go list -m -f '{{.Version}}' k8s.io/client-go)"
K8S_MINOR="${CLIENT_GO#v0.}"; K8S_MINOR="${K8S_MINOR%%.*}"
LDFLAGS="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for p in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  LDFLAGS+=" -X $p.k8sVersionMajor=1 -X $p.k8sVersionMinor=$K8S_MINOR"
done
log "the first build takes a few minutes (about 3-5 min on 2 cores with a cold Go cache)"
build_tool_binary helm "$HELM_BIN_DIR" "$HELM_MOD_DIR" helm.sh/helm/v3/cmd/helm "$LDFLAGS" \
  "$(printf 'helm=%s\nclient-go=%s' "$HELM_VERSION" "$CLIENT_GO")"
echo "HELM=$HELM_BIN_DIR/helm"
