#!/usr/bin/env bash
# Installs Schemathesis (pinned in requirements.txt beside this script) into a virtual
# environment under .tools/ on first use, and prints the path of the environment's Python
# (run Schemathesis as `<python> -m schemathesis.cli`). Idempotent and fast when present: the
# venv's folder is named after the requirements' hash, so a change of pins installs a fresh
# one. Needs python3 (>= 3.10) with venv.
# Not the venv's `st` script: its shebang holds the absolute path the venv was created at, and
# .tools/ is shared (a symlink) between git worktrees that come and go — a venv created through
# a worktree since removed left `st` pointing at a missing interpreter (spawn ENOENT). The
# venv's own `bin/python3` (a symlink to the base interpreter beside pyvenv.cfg) works from any
# path, and the real path (pwd -P) is used for new venvs.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd -P)"
mkdir -p "$ROOT/.tools"
TOOLS="$(cd "$ROOT/.tools" && pwd -P)"
REQUIREMENTS="$HERE/requirements.txt"
PYTHON="${PYTHON:-python3}"

hash="$(sha256sum "$REQUIREMENTS" | cut -c1-12)"
VENV="$TOOLS/schemathesis-$hash"

if [ ! -f "$VENV/.installed" ]; then
  command -v "$PYTHON" >/dev/null 2>&1 || { echo "[schemathesis] $PYTHON not found: install Python >= 3.10 with venv" >&2; exit 1; }
  # One installer at a time; the marker is written last, so an interrupted install is redone.
  exec 9>"$TOOLS/schemathesis.lock"
  flock 9
  if [ ! -f "$VENV/.installed" ]; then
    echo "[schemathesis] installing the pinned Schemathesis into .tools/schemathesis-$hash" >&2
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV" >&2
    "$VENV/bin/python3" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS" >&2
    touch "$VENV/.installed"
  fi
fi
echo "$VENV/bin/python3"
