#!/usr/bin/env bash
# Runs a test command while CPU-heavy processes share the machine's cores (issue #17 item 7:
# the suite must pass on a busy machine, where CI's two shared cores often are).
#
#   ./run test:busy                 # the whole `./run test` under load
#   ./run test:busy test:int        # one tier (any package script) under load
#
# The load is SLIPWAY_BUSY_WORKERS processes (default: one per core) spinning on the CPU at
# normal priority, so the test run gets about half of every core. Every 60 s the script
# prints the 1-minute load average (the peak is sampled every 10 s); at the end the command's exit status, its wall time and
# the highest load seen. The workers stop when the command ends (or on Ctrl-C).
set -euo pipefail

command=("${@:-test}")
workers="${SLIPWAY_BUSY_WORKERS:-$(nproc)}"
if ! [[ "$workers" =~ ^[0-9]+$ ]]; then
  echo "SLIPWAY_BUSY_WORKERS must be a whole number of processes, got '$workers'" >&2
  exit 2
fi

pids=()
stop_load() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap stop_load EXIT INT TERM

for _ in $(seq 1 "$workers"); do
  node -e 'for (;;) {}' &
  pids+=("$!")
done

peak_file="$(mktemp)"
echo 0 >"$peak_file"
note_peak() {
  local load
  load="$(cut -d' ' -f1 /proc/loadavg)"
  if awk -v a="$load" -v b="$(cat "$peak_file")" 'BEGIN { exit !(a > b) }'; then echo "$load" >"$peak_file"; fi
}
(
  # The peak is sampled every 10 s (so a short run has one too), the load printed every 60 s.
  samples=0
  while sleep 10; do
    note_peak
    samples=$((samples + 1))
    if [ $((samples % 6)) -eq 0 ]; then echo "[busy] load average (1 min): $(cut -d' ' -f1 /proc/loadavg)" >&2; fi
  done
) &
pids+=("$!")

echo "[busy] $workers CPU-bound workers started; running: pnpm run ${command[*]}" >&2
started="$(date +%s)"
status=0
pnpm --silent run "${command[@]}" || status=$?
note_peak
echo "[busy] pnpm run ${command[*]}: exit $status after $(($(date +%s) - started)) s with $workers CPU-bound workers; peak load average $(cat "$peak_file")" >&2
rm -f "$peak_file"
exit "$status"
