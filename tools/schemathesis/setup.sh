#!/usr/bin/env bash
# Installs Schemathesis (pinned in requirements.txt beside this script) into a virtual
# environment under .tools/ on first use, and prints the path of its `st` command.
# Idempotent and fast when present: the venv's folder is named after the requirements'
# hash, so a change of pins installs a fresh one. Needs python3 (>= 3.10) with venv.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
REQUIREMENTS="$HERE/requirements.txt"
PYTHON="${PYTHON:-python3}"

hash="$(sha256sum "$REQUIREMENTS" | cut -c1-12)"
VENV="$ROOT/.tools/schemathesis-$hash"

if [ ! -f "$VENV/.installed" ]; then
  command -v "$PYTHON" >/dev/null 2>&1 || { echo "[schemathesis] $PYTHON not found: install Python >= 3.10 with venv" >&2; exit 1; }
  mkdir -p "$ROOT/.tools"
  # One installer at a time; the marker is written last, so an interrupted install is redone.
  exec 9>"$ROOT/.tools/schemathesis.lock"
  flock 9
  if [ ! -f "$VENV/.installed" ]; then
    echo "[schemathesis] installing the pinned Schemathesis into .tools/schemathesis-$hash" >&2
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV" >&2
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS" >&2
    touch "$VENV/.installed"
  fi
fi
echo "$VENV/bin/st"
