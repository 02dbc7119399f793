#!/usr/bin/env bash
# Stops every component that up.sh started (by PID file: SIGTERM, then SIGKILL
# after ${SLIPWAY_KUBE_STOP_TIMEOUT:-15}s) and removes the cluster state dir
# (PKI, kubeconfigs, etcd data, logs), so the next up.sh starts fresh.
# Idempotent: does nothing if no cluster is there. Keeps the binary cache.
set -euo pipefail

# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

lock_state_dir
if [[ ! -e "$KUBE_STATE_DIR" ]]; then
  log "no cluster in $KUBE_STATE_DIR; nothing to do"
  exit 0
fi
destroy_cluster
log "cluster stopped"
