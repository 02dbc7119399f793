#!/usr/bin/env bash
# Starts a local Kubernetes control plane on 127.0.0.1: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler and kwok (one fake node,
# kwok-node-0). Builds the binaries first if they are not cached.
#
# State (PKI, kubeconfigs, etcd data, logs, PID files) lives in
#   ${SLIPWAY_KUBE_DIR:-${SLIPWAY_CACHE_DIR:-$HOME/.cache/slipway}/kube/cluster}
# If the cluster there is already running and healthy it is reused.
#
# Progress goes to stderr. stdout gets, once the node is Ready and the
# default service account exists:
#   KUBECTL=<path to kubectl>
#   KUBE_API_SERVER=https://127.0.0.1:<port>
#   KUBECONFIG=<absolute path of the admin kubeconfig>     (always the last line)
set -euo pipefail

# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

STATE="$KUBE_STATE_DIR"
PKI="$STATE/pki"
RUN="$STATE/run"
LOGS="$STATE/logs"
KUBECTL="$KUBE_BIN_DIR/kubectl"

for tool in openssl curl flock setsid; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is required"
done

if ! binaries_present; then
  log "binaries for $KUBE_CACHE_KEY not cached; running build.sh"
  "$TC_DIR/build.sh" >&2
fi

lock_state_dir

print_result() {
  # shellcheck source=/dev/null
  source "$STATE/cluster.env"
  echo "KUBECTL=$KUBECTL"
  echo "KUBE_API_SERVER=$KUBE_API_SERVER"
  echo "KUBECONFIG=$KUBECONFIG"
}

api_ready() { # url
  curl -fsS --max-time 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "$1/readyz" 2>/dev/null | grep -qx ok
}

cluster_healthy() {
  local c
  [[ -f "$STATE/cluster.env" && -f "$KUBE_ADMIN_KUBECONFIG" ]] || return 1
  for c in "${KUBE_COMPONENTS[@]}"; do
    pid_is_component "$RUN/$c.pid" "$c" || return 1
  done
  (
    # shellcheck source=/dev/null
    source "$STATE/cluster.env"
    api_ready "$KUBE_API_SERVER"
  )
}

# --- reuse ---------------------------------------------------------------
if [[ -d "$STATE" ]]; then
  if cluster_healthy; then
    log "cluster in $STATE is already running; reusing it"
    print_result
    exit 0
  fi
  [[ -f "$STATE/$KUBE_STATE_MARKER" ]] ||
    die "$STATE exists but is not a test-cluster state dir; set SLIPWAY_KUBE_DIR elsewhere or remove it"
  log "found a stopped or broken cluster in $STATE; removing it and starting fresh"
  destroy_cluster
fi

# --- preflight -----------------------------------------------------------
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for var in SLIPWAY_ETCD_CLIENT_PORT SLIPWAY_ETCD_PEER_PORT SLIPWAY_APISERVER_PORT \
  SLIPWAY_KCM_PORT SLIPWAY_SCHEDULER_PORT SLIPWAY_KWOK_SERVER_PORT; do
  port="${!var}"
  if ! [[ "$port" =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
    die "$var=$port is not a port number"
  fi
  if port_in_use "$port"; then
    die "port 127.0.0.1:$port ($var) is already in use; set $var to a free port"
  fi
done

API_URL="https://127.0.0.1:$SLIPWAY_APISERVER_PORT"
ETCD_URL="http://127.0.0.1:$SLIPWAY_ETCD_CLIENT_PORT"

mkdir -p "$STATE" "$PKI" "$RUN" "$LOGS" "$STATE/kwok"
touch "$STATE/$KUBE_STATE_MARKER"
chmod 700 "$STATE"

# On failure: stop whatever was started, keep the logs for inspection
# (the next up.sh or down.sh removes the state dir).
STARTED_OK=0
on_exit() {
  if [[ "$STARTED_OK" != 1 ]]; then
    log "start-up failed; stopping the components that were started (logs kept in $LOGS)"
    stop_processes || true
  fi
}
trap on_exit EXIT

# --- PKI -----------------------------------------------------------------
log "generating certificates in $PKI"
openssl_quiet() { openssl "$@" 2>/dev/null; }
openssl_quiet req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 3650 \
  -keyout "$PKI/ca.key" -out "$PKI/ca.crt" -subj "/CN=slipway-test-cluster-ca" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"

# gen_cert NAME SUBJECT EXTENDED_KEY_USAGE [SUBJECT_ALT_NAMES]
gen_cert() {
  local name="$1" subj="$2" eku="$3" san="${4:-}" ext
  ext="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=$eku"
  if [[ -n "$san" ]]; then ext+=$'\n'"subjectAltName=$san"; fi
  openssl_quiet req -new -newkey rsa:2048 -nodes -keyout "$PKI/$name.key" \
    -out "$PKI/$name.csr" -subj "$subj"
  openssl_quiet x509 -req -sha256 -days 3650 -in "$PKI/$name.csr" \
    -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -extfile <(printf '%s\n' "$ext") -out "$PKI/$name.crt"
  rm -f "$PKI/$name.csr"
}
gen_cert apiserver "/CN=kube-apiserver" serverAuth \
  "IP:127.0.0.1,DNS:localhost,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
gen_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
gen_cert admin "/O=system:masters/CN=slipway-admin" clientAuth
gen_cert controller-manager "/CN=system:kube-controller-manager" clientAuth
gen_cert scheduler "/CN=system:kube-scheduler" clientAuth
gen_cert kwok "/CN=kwok-controller" clientAuth
gen_cert kwok-serving "/CN=$KUBE_NODE_NAME" serverAuth "IP:127.0.0.1,DNS:localhost,DNS:$KUBE_NODE_NAME"
openssl_quiet genrsa -out "$PKI/sa.key" 2048
openssl_quiet rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub"
chmod 600 "$PKI"/*.key

# Static admin token (for clients that prefer a bearer token).
ADMIN_TOKEN="$(openssl rand -hex 32)"
printf '%s,slipway-admin-token,slipway-admin-token,"system:masters"\n' "$ADMIN_TOKEN" >"$STATE/tokens.csv"
printf '%s\n' "$ADMIN_TOKEN" >"$STATE/admin.token"
chmod 600 "$STATE/tokens.csv" "$STATE/admin.token"

# write_kubeconfig FILE USER CERT-NAME
write_kubeconfig() {
  local kc=(--kubeconfig "$1")
  "$KUBECTL" "${kc[@]}" config set-cluster slipway-test --server="$API_URL" \
    --certificate-authority="$PKI/ca.crt" --embed-certs=true >/dev/null
  "$KUBECTL" "${kc[@]}" config set-credentials "$2" --client-certificate="$PKI/$3.crt" \
    --client-key="$PKI/$3.key" --embed-certs=true >/dev/null
  "$KUBECTL" "${kc[@]}" config set-context slipway-test --cluster=slipway-test --user="$2" >/dev/null
  "$KUBECTL" "${kc[@]}" config use-context slipway-test >/dev/null
  chmod 600 "$1"
}
write_kubeconfig "$KUBE_ADMIN_KUBECONFIG" slipway-admin admin
write_kubeconfig "$STATE/controller-manager.kubeconfig" system:kube-controller-manager controller-manager
write_kubeconfig "$STATE/scheduler.kubeconfig" system:kube-scheduler scheduler
write_kubeconfig "$STATE/kwok.kubeconfig" kwok-controller kwok

# --- processes -----------------------------------------------------------
# start NAME BINARY ARGS... : detached (own session), stdin from /dev/null,
# stdout/stderr to logs/NAME.log, PID in run/NAME.pid.
start() {
  local name="$1" bin="$KUBE_BIN_DIR/$2" pid
  shift 2
  log "starting $name"
  (
    # The daemons must not inherit any descriptor but 0-2: not the state-dir
    # lock (fd 8, see lock_state_dir) and not pipes of whoever runs up.sh
    # (else a caller reading our output would never see EOF).
    for fd_path in /proc/self/fd/*; do
      fd="${fd_path##*/}"
      if [[ "$fd" =~ ^[0-9]+$ ]] && ((fd > 2)); then
        eval "exec ${fd}>&-" 2>/dev/null || true
      fi
    done
    exec setsid "$bin" "$@" </dev/null >>"$LOGS/$name.log" 2>&1
  ) &
  pid=$!
  echo "$pid" >"$RUN/$name.pid"
}

# wait_for NAME WHAT TIMEOUT COMMAND... : until COMMAND succeeds; fails early
# if the component NAME died.
wait_for() {
  local name="$1" what="$2" timeout="$3" deadline
  shift 3
  deadline=$((SECONDS + timeout))
  until "$@"; do
    if ! pid_alive "$RUN/$name.pid"; then
      log "$name exited; last lines of $LOGS/$name.log:"
      tail -n 30 "$LOGS/$name.log" >&2 || true
      die "$name failed to start"
    fi
    if ((SECONDS >= deadline)); then
      log "last lines of $LOGS/$name.log:"
      tail -n 30 "$LOGS/$name.log" >&2 || true
      die "timed out after ${timeout}s waiting for: $what"
    fi
    sleep 0.5
  done
  log "$what"
}

http_ok() { curl -fsS --max-time 3 -o /dev/null "$@" 2>/dev/null; }
etcd_healthy() { curl -fsS --max-time 3 "$ETCD_URL/health" 2>/dev/null | grep -q '"health":"true"'; }

start etcd etcd \
  --name=slipway \
  --data-dir="$STATE/etcd" \
  --listen-client-urls="$ETCD_URL" \
  --advertise-client-urls="$ETCD_URL" \
  --listen-peer-urls="http://127.0.0.1:$SLIPWAY_ETCD_PEER_PORT" \
  --initial-advertise-peer-urls="http://127.0.0.1:$SLIPWAY_ETCD_PEER_PORT" \
  --initial-cluster="slipway=http://127.0.0.1:$SLIPWAY_ETCD_PEER_PORT" \
  --initial-cluster-state=new \
  --initial-cluster-token=slipway-test-cluster \
  --auto-compaction-retention=1 \
  --unsafe-no-fsync=true \
  --log-level=warn
wait_for etcd "etcd is healthy" 60 etcd_healthy

start kube-apiserver kube-apiserver \
  --etcd-servers="$ETCD_URL" \
  --bind-address=127.0.0.1 \
  --advertise-address=127.0.0.1 \
  --secure-port="$SLIPWAY_APISERVER_PORT" \
  --tls-cert-file="$PKI/apiserver.crt" \
  --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" \
  --token-auth-file="$STATE/tokens.csv" \
  --authorization-mode=Node,RBAC \
  --enable-admission-plugins=NodeRestriction \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$PKI/sa.pub" \
  --service-account-signing-key-file="$PKI/sa.key" \
  --service-cluster-ip-range=10.96.0.0/16 \
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" \
  --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority="$PKI/ca.crt" \
  --kubelet-preferred-address-types=InternalIP \
  --endpoint-reconciler-type=none \
  --allow-privileged=true \
  --profiling=false
wait_for kube-apiserver "kube-apiserver is ready (/readyz)" 180 api_ready "$API_URL"

cat >"$STATE/cluster.env" <<EOF
# Written by up.sh; sourced by up.sh (reuse) and smoke.sh.
KUBECONFIG=$KUBE_ADMIN_KUBECONFIG
KUBECTL=$KUBECTL
KUBE_API_SERVER=$API_URL
KUBE_ADMIN_TOKEN_FILE=$STATE/admin.token
KUBE_CA_FILE=$PKI/ca.crt
KUBE_NODE_NAME=$KUBE_NODE_NAME
KUBE_BIN_DIR=$KUBE_BIN_DIR
ETCD_ENDPOINT=http://127.0.0.1:$SLIPWAY_ETCD_CLIENT_PORT
EOF

k() { "$KUBECTL" --kubeconfig "$KUBE_ADMIN_KUBECONFIG" "$@"; }
k apply -f "$TC_DIR/kwok/rbac.yaml" >&2

start kube-controller-manager kube-controller-manager \
  --kubeconfig="$STATE/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 \
  --secure-port="$SLIPWAY_KCM_PORT" \
  --leader-elect=false \
  --controllers='*' \
  --use-service-account-credentials=true \
  --service-account-private-key-file="$PKI/sa.key" \
  --root-ca-file="$PKI/ca.crt" \
  --cluster-signing-cert-file="$PKI/ca.crt" \
  --cluster-signing-key-file="$PKI/ca.key" \
  --cluster-name=slipway-test \
  --kube-api-qps=200 \
  --kube-api-burst=400 \
  --profiling=false
wait_for kube-controller-manager "kube-controller-manager is healthy" 120 http_ok -k "https://127.0.0.1:$SLIPWAY_KCM_PORT/healthz"

start kube-scheduler kube-scheduler \
  --kubeconfig="$STATE/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 \
  --secure-port="$SLIPWAY_SCHEDULER_PORT" \
  --leader-elect=false \
  --kube-api-qps=200 \
  --kube-api-burst=400 \
  --profiling=false
wait_for kube-scheduler "kube-scheduler is healthy" 120 http_ok -k "https://127.0.0.1:$SLIPWAY_SCHEDULER_PORT/healthz"

# kwok: stages (copied so the running cluster does not depend on the work
# tree) + ClusterLogs serving a fixed log file for every container.
cp "$TC_DIR/kwok/stages/"*.yaml "$STATE/kwok/"
LOG_FILE="$STATE/kwok/container.log"
now="$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)"
{
  printf '%s stdout F %s\n' "$now" "slipway test-cluster: container started (simulated by kwok)"
  printf '%s stdout F %s\n' "$now" "slipway test-cluster: hello from a fake container"
  printf '%s stderr F %s\n' "$now" "slipway test-cluster: this line went to stderr"
  printf '%s stdout F %s\n' "$now" "slipway test-cluster: container finished"
} >"$LOG_FILE"
cat >"$STATE/kwok/logs.yaml" <<EOF
# Every container (init containers included) of every pod on a kwok node
# serves this log file through \`kubectl logs\` (and \`kubectl logs -f\`, which
# keeps following the file until the client disconnects).
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata:
  name: slipway-all-pods
spec:
  selector: {}
  logs:
  - logsFile: $LOG_FILE
    previousLogsFile: $LOG_FILE
    follow: true
EOF

kwok_configs=()
for f in "$STATE/kwok/"*.yaml; do kwok_configs+=("--config=$f"); done
start kwok kwok \
  --kubeconfig="$STATE/kwok.kubeconfig" \
  "${kwok_configs[@]}" \
  --manage-all-nodes=false \
  --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --node-ip=127.0.0.1 \
  --node-port="$SLIPWAY_KWOK_SERVER_PORT" \
  --server-address="127.0.0.1:$SLIPWAY_KWOK_SERVER_PORT" \
  --tls-cert-file="$PKI/kwok-serving.crt" \
  --tls-private-key-file="$PKI/kwok-serving.key" \
  --node-lease-duration-seconds=40 \
  --cidr=10.244.0.0/16
wait_for kwok "kwok is healthy" 60 http_ok "http://127.0.0.1:$SLIPWAY_KWOK_SERVER_PORT/healthz"

k apply -f "$TC_DIR/kwok/node.yaml" >&2
node_ready() {
  [[ "$(k get node "$KUBE_NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]
}
wait_for kwok "node $KUBE_NODE_NAME is Ready" 120 node_ready
default_sa() { k -n default get serviceaccount default >/dev/null 2>&1; }
wait_for kube-controller-manager "service account default/default exists" 120 default_sa

STARTED_OK=1
log "cluster is up (state: $STATE, logs: $LOGS)"
print_result
