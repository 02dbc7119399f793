#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through playwright-core (Playwright's own browser
# download cannot work offline). Installs it when missing; needs root or sudo.
set -euo pipefail
CHROMIUM="${SLIPWAY_CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] && exit 0
echo "[e2e] $CHROMIUM not found: installing Debian's chromium package" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >&2
[ -x "$CHROMIUM" ] || { echo "[e2e] chromium is still missing at $CHROMIUM" >&2; exit 1; }
