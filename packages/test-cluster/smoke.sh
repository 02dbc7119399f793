#!/usr/bin/env bash
# Self-check of a running test cluster (start it with ./up.sh first):
#   - the kwok node is Ready;
#   - a batch/v1 Job with an init container completes (pod Succeeded, every
#     container terminated with exit code 0);
#   - `kubectl logs` works for its container and its init container (and
#     `kubectl logs -f` streams);
#   - a 2-replica Deployment rolls out (`kubectl rollout status`).
# Works in a throw-away namespace that is deleted at the end. Only talks to
# the cluster of this state dir (never to $KUBECONFIG from the environment).
# Exits non-zero on any failure.
set -euo pipefail

# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

[[ -f "$KUBE_STATE_DIR/cluster.env" ]] || die "no cluster in $KUBE_STATE_DIR: run ./up.sh first"
# shellcheck source=/dev/null
source "$KUBE_STATE_DIR/cluster.env"
KUBECTL_BIN="$KUBECTL"
KCFG="$KUBECONFIG"
unset KUBECONFIG

TIMEOUT="${SLIPWAY_SMOKE_TIMEOUT:-120}"
NS="slipway-smoke-$(date +%s)-$RANDOM"
PASSED=0
FAILED=0

k() { "$KUBECTL_BIN" --kubeconfig "$KCFG" "$@"; }
step() { printf '\n== %s\n' "$*"; }
ok() { PASSED=$((PASSED + 1)); printf 'ok: %s\n' "$*"; }
fail() {
  FAILED=$((FAILED + 1))
  printf 'FAIL: %s\n' "$*" >&2
  summary
  exit 1
}
summary() { printf '\nsmoke: %d passed, %d failed\n' "$PASSED" "$FAILED"; }

cleanup() {
  if k get namespace "$NS" >/dev/null 2>&1; then
    printf '\n== cleanup: deleting namespace %s\n' "$NS"
    k delete namespace "$NS" --wait=true --timeout="${TIMEOUT}s" ||
      printf 'warning: namespace %s not deleted in time\n' "$NS" >&2
  fi
}
trap cleanup EXIT

step "kubectl get nodes"
k get nodes -o wide
ready="$(k get node "$KUBE_NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')"
[[ "$ready" == True ]] || fail "node $KUBE_NODE_NAME is not Ready (Ready=$ready)"
ok "node $KUBE_NODE_NAME is Ready"

step "namespace $NS"
k create namespace "$NS"
# The namespace's default service account is created asynchronously.
for _ in $(seq 1 "$TIMEOUT"); do
  k -n "$NS" get serviceaccount default >/dev/null 2>&1 && break
  sleep 1
done
k -n "$NS" get serviceaccount default >/dev/null || fail "no default service account in $NS"
ok "namespace $NS created"

step "Job with an init container"
k -n "$NS" apply -f - <<'EOF'
apiVersion: batch/v1
kind: Job
metadata:
  name: smoke-job
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      initContainers:
      - name: prepare
        image: busybox:1.36
        command: ["sh", "-c", "echo preparing"]
      containers:
      - name: main
        image: busybox:1.36
        command: ["sh", "-c", "echo hello"]
EOF
if ! k -n "$NS" wait --for=condition=Complete job/smoke-job --timeout="${TIMEOUT}s"; then
  k -n "$NS" get job,pods -o wide || true
  k -n "$NS" describe job smoke-job || true
  fail "Job smoke-job did not complete"
fi
k -n "$NS" get job smoke-job
POD="$(k -n "$NS" get pods -l batch.kubernetes.io/job-name=smoke-job -o jsonpath='{.items[0].metadata.name}')"
[[ -n "$POD" ]] || fail "no pod found for Job smoke-job"
k -n "$NS" get pod "$POD" -o wide
phase="$(k -n "$NS" get pod "$POD" -o jsonpath='{.status.phase}')"
init_exit="$(k -n "$NS" get pod "$POD" -o jsonpath='{.status.initContainerStatuses[?(@.name=="prepare")].state.terminated.exitCode}')"
main_exit="$(k -n "$NS" get pod "$POD" -o jsonpath='{.status.containerStatuses[?(@.name=="main")].state.terminated.exitCode}')"
printf 'pod %s: phase=%s init container prepare exitCode=%s container main exitCode=%s\n' \
  "$POD" "$phase" "$init_exit" "$main_exit"
[[ "$phase" == Succeeded ]] || fail "pod $POD phase is $phase, want Succeeded"
[[ "$init_exit" == 0 ]] || fail "init container prepare exit code is '$init_exit', want 0"
[[ "$main_exit" == 0 ]] || fail "container main exit code is '$main_exit', want 0"
ok "Job smoke-job is Complete (pod Succeeded, init + main exited 0)"

step "kubectl logs"
logs_main="$(k -n "$NS" logs "$POD" -c main)"
printf '%s\n' "$logs_main" | sed 's/^/  main | /'
grep -q 'hello from a fake container' <<<"$logs_main" || fail "unexpected logs for container main"
logs_init="$(k -n "$NS" logs "$POD" -c prepare)"
printf '%s\n' "$logs_init" | sed 's/^/  prepare | /'
grep -q 'hello from a fake container' <<<"$logs_init" || fail "unexpected logs for init container prepare"
ok "kubectl logs -c main / -c prepare"
# -f keeps following (kwok never closes the stream), so bound it.
set +e
logs_follow="$(timeout 5 "$KUBECTL_BIN" --kubeconfig "$KCFG" -n "$NS" logs -f "$POD" -c main 2>&1)"
rc=$?
set -e
printf '%s\n' "$logs_follow" | sed 's/^/  main (-f) | /'
[[ $rc == 0 || $rc == 124 ]] || fail "kubectl logs -f exited with $rc"
grep -q 'container finished' <<<"$logs_follow" || fail "kubectl logs -f streamed nothing"
ok "kubectl logs -f streams"

step "Deployment with 2 replicas"
k -n "$NS" create deployment smoke-web --image=nginx:1.27 --replicas=2
if ! k -n "$NS" rollout status deployment/smoke-web --timeout="${TIMEOUT}s"; then
  k -n "$NS" get deploy,rs,pods -o wide || true
  fail "Deployment smoke-web did not roll out"
fi
k -n "$NS" get deployment smoke-web
k -n "$NS" get pods -l app=smoke-web -o wide
available="$(k -n "$NS" get deployment smoke-web -o jsonpath='{.status.availableReplicas}')"
[[ "$available" == 2 ]] || fail "Deployment smoke-web has $available available replicas, want 2"
ok "Deployment smoke-web rolled out (2/2 available)"

step "cleanup"
trap - EXIT
k delete namespace "$NS" --wait=true --timeout="${TIMEOUT}s" || fail "namespace $NS was not deleted"
ok "namespace $NS deleted"

summary
