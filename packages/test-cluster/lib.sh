# shellcheck shell=bash
# shellcheck disable=SC2034 # variables are used by the scripts that source this
# Common settings for build.sh / up.sh / down.sh / smoke.sh. Sourced, not run.

TC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$TC_DIR/versions.env"

SLIPWAY_CACHE_DIR="${SLIPWAY_CACHE_DIR:-$HOME/.cache/slipway}"
# The cache key encodes every pinned version (and the recipe revision).
KUBE_CACHE_KEY="k8s-${KUBERNETES_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}_r${BUILD_RECIPE}"
KUBE_BIN_DIR="$SLIPWAY_CACHE_DIR/kube/$KUBE_CACHE_KEY/bin"
KUBE_STATE_DIR="${SLIPWAY_KUBE_DIR:-$SLIPWAY_CACHE_DIR/kube/cluster}"
# Always absolute (it is printed in KUBECONFIG=... and written to kubeconfigs).
case "$KUBE_STATE_DIR" in
  /*) ;;
  *) KUBE_STATE_DIR="$PWD/$KUBE_STATE_DIR" ;;
esac
KUBE_STATE_DIR="${KUBE_STATE_DIR%/}"
# A state dir is only ever deleted if it carries this marker file.
KUBE_STATE_MARKER=".slipway-test-cluster"
KUBE_ADMIN_KUBECONFIG="$KUBE_STATE_DIR/admin.kubeconfig"
KUBE_NODE_NAME="kwok-node-0"

# Loopback ports (override with env; up.sh checks they are free).
SLIPWAY_ETCD_CLIENT_PORT="${SLIPWAY_ETCD_CLIENT_PORT:-23790}"
SLIPWAY_ETCD_PEER_PORT="${SLIPWAY_ETCD_PEER_PORT:-23800}"
SLIPWAY_APISERVER_PORT="${SLIPWAY_APISERVER_PORT:-26443}"
SLIPWAY_KCM_PORT="${SLIPWAY_KCM_PORT:-26257}"
SLIPWAY_SCHEDULER_PORT="${SLIPWAY_SCHEDULER_PORT:-26259}"
SLIPWAY_KWOK_SERVER_PORT="${SLIPWAY_KWOK_SERVER_PORT:-10247}"
# Seconds down.sh waits after SIGTERM before it sends SIGKILL.
SLIPWAY_KUBE_STOP_TIMEOUT="${SLIPWAY_KUBE_STOP_TIMEOUT:-15}"

# Binaries that make up a complete cache entry.
KUBE_BINARIES=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok)
# Components started by up.sh, in start order (down.sh stops them in reverse).
KUBE_COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

log() { printf '[test-cluster] %s\n' "$*" >&2; }
die() { printf '[test-cluster] ERROR: %s\n' "$*" >&2; exit 1; }

binaries_present() {
  local b
  for b in "${KUBE_BINARIES[@]}"; do
    [[ -x "$KUBE_BIN_DIR/$b" ]] || return 1
  done
  [[ -f "$KUBE_BIN_DIR/.complete" ]]
}

# pid_alive PIDFILE -> 0 if the process in PIDFILE is running.
pid_alive() {
  local pidfile="$1" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # A zombie is not alive.
  [[ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" != "Z" ]]
}

proc_running() { # pid (a zombie counts as gone)
  kill -0 "$1" 2>/dev/null && [[ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != "Z" ]]
}

wait_pids_gone() { # timeout-seconds pid...
  local deadline=$((SECONDS + $1)) pid alive
  shift
  while :; do
    alive=0
    for pid in "$@"; do
      if proc_running "$pid"; then alive=1; break; fi
    done
    ((alive == 0)) && return 0
    ((SECONDS >= deadline)) && return 1
    sleep 0.2
  done
}

# The component's process is still the binary we started (guards against a
# PID that was reused by an unrelated process).
pid_is_component() { # pidfile component
  local pid exe
  pid_alive "$1" || return 1
  pid="$(cat "$1")"
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
  exe="${exe% (deleted)}"
  [[ -z "$exe" || "$(basename "$exe")" == "$2" ]]
}

# Stops every component recorded in <state>/run/*.pid: SIGTERM, then SIGKILL
# after $SLIPWAY_KUBE_STOP_TIMEOUT seconds. Leaves the state dir in place.
stop_processes() {
  local run="$KUBE_STATE_DIR/run" i c pidfile pid
  [[ -d "$run" ]] || return 0
  local -a pids=() left=()
  for ((i = ${#KUBE_COMPONENTS[@]} - 1; i >= 0; i--)); do
    c="${KUBE_COMPONENTS[$i]}"
    pidfile="$run/$c.pid"
    if pid_is_component "$pidfile" "$c"; then
      pid="$(cat "$pidfile")"
      log "stopping $c (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  if ((${#pids[@]} == 0)); then
    rm -f "$run"/*.pid
    return 0
  fi
  if ! wait_pids_gone "$SLIPWAY_KUBE_STOP_TIMEOUT" "${pids[@]}"; then
    left=()
    for pid in "${pids[@]}"; do
      if proc_running "$pid"; then left+=("$pid"); fi
    done
    log "still running after ${SLIPWAY_KUBE_STOP_TIMEOUT}s, sending SIGKILL to: ${left[*]}"
    kill -KILL "${left[@]}" 2>/dev/null || true
    wait_pids_gone 10 "${left[@]}" || die "could not stop: ${left[*]}"
  fi
  rm -f "$run"/*.pid
}

# Stops everything and deletes the state dir (only if it is ours).
destroy_cluster() {
  stop_processes
  if [[ -d "$KUBE_STATE_DIR" ]]; then
    if [[ -f "$KUBE_STATE_DIR/$KUBE_STATE_MARKER" ]]; then
      rm -rf "$KUBE_STATE_DIR"
      log "removed $KUBE_STATE_DIR"
    else
      die "$KUBE_STATE_DIR is not a test-cluster state dir (no $KUBE_STATE_MARKER); not deleting it"
    fi
  fi
}

# Serializes up.sh/down.sh on the same state dir (fd 8 stays open until exit).
lock_state_dir() {
  mkdir -p "$(dirname "$KUBE_STATE_DIR")"
  exec 8>"$KUBE_STATE_DIR.lock"
  if ! flock -n 8; then
    log "waiting for another up.sh/down.sh on $KUBE_STATE_DIR"
    flock -w 900 8 || die "timed out waiting for the lock $KUBE_STATE_DIR.lock"
  fi
}

# Toolchain settings of every build: never download another Go toolchain, no cgo.
go_build_env() {
  command -v go >/dev/null 2>&1 || die "go is not installed (need Go >= 1.26)"
  export GOTOOLCHAIN=local
  export CGO_ENABLED=0
  export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
}

# Writes the wrapper module MOD_DIR/go.mod (requiring REQUIRE at VERSION, with TOOL as its
# tool) and resolves its go.sum with `go mod tidy`. Run after changing a version in
# versions.env; commit the result. SCRIPT names the build script in the generated header.
sync_tool_module() { # mod-dir module tool require version script
  local dir="$1" mod="$2" tool="$3" req="$4" ver="$5" script="$6"
  log "syncing $dir with versions.env ($req $ver)"
  mkdir -p "$dir"
  rm -f "$dir/go.sum"
  cat >"$dir/go.mod" <<EOM
// Generated by $script --sync-modules from versions.env. Do not edit.
module $mod

go 1.26.0

godebug default=go1.26

tool $tool

require $req $ver
EOM
  (cd "$dir" && GOFLAGS="$GOFLAGS -mod=mod" go mod tidy)
  log "$(basename "$dir") synced; commit its go.mod and go.sum"
}

# Fails unless MOD_DIR/go.mod requires REQUIRE at exactly VERSION (versions.env changed?).
check_tool_module() { # mod-dir require version script
  local dir="$1" req="$2" ver="$3" script="$4"
  grep -Eq "^[[:space:]]*(require[[:space:]]+)?${req//./\\.}[[:space:]]+${ver//./\\.}([[:space:]]|$)" "$dir/go.mod" ||
    die "$dir/go.mod does not require $req $ver (versions.env changed?): run ./$script --sync-modules"
}

# Builds PACKAGE of the wrapper module MOD_DIR into BIN_DIR/NAME under a lock (a concurrent
# build of the same entry is waited for, FORCE=0 then reuses its result), records BIN_DIR/.complete
# (with EXTRA lines) and swaps the entry in whole. LDFLAGS are passed to `go build`.
build_tool_binary() { # name bin-dir mod-dir package ldflags extra-complete-lines
  local name="$1" bin_dir="$2" mod_dir="$3" pkg="$4" ldflags="$5" extra="$6" tmp start
  mkdir -p "$(dirname "$bin_dir")"
  exec 9>"$(dirname "$bin_dir")/.build.lock"
  if ! flock -n 9; then
    log "another build of $name is running; waiting for it"
    flock 9
  fi
  if [[ "${FORCE:-0}" == 0 && -x "$bin_dir/$name" && -f "$bin_dir/.complete" ]]; then
    log "using cached $name in $bin_dir"
    return 0
  fi
  log "building $name with $(go version | awk '{print $3}') into $bin_dir"
  tmp="$(dirname "$bin_dir")/bin.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  # shellcheck disable=SC2064 # expand now: the trap must remove this very directory
  trap "rm -rf '$tmp'" EXIT
  start=$SECONDS
  (cd "$mod_dir" && go build -trimpath -ldflags "$ldflags" -o "$tmp/$name" "$pkg")
  {
    [[ -n "$extra" ]] && printf '%s\n' "$extra"
    echo "go=$(go version | awk '{print $3}')"
    echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "seconds=$((SECONDS - start))"
  } >"$tmp/.complete"
  rm -rf "$bin_dir"
  mv "$tmp" "$bin_dir"
  trap - EXIT
  log "$name built in $((SECONDS - start))s: $bin_dir/$name"
}

# The build scripts' common arguments: --force and --sync-modules set FORCE and SYNC,
# --print-bin-dir prints BIN_DIR and exits, -h/--help prints the script's header (its
# lines 2..HELP_END) and exits.
parse_build_args() { # bin-dir help-end script-path args...
  local bin_dir="$1" help_end="$2" script="$3" arg
  shift 3
  FORCE=0
  SYNC=0
  for arg in "$@"; do
    case "$arg" in
      --force) FORCE=1 ;;
      --sync-modules) SYNC=1 ;;
      --print-bin-dir) echo "$bin_dir"; exit 0 ;;
      -h|--help) sed -n "2,${help_end}p" "$script" | sed 's/^# \{0,1\}//'; exit 0 ;;
      *) die "unknown argument: $arg" ;;
    esac
  done
}
