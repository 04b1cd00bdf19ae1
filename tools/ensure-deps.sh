#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than package-lock.json, so the
# README's commands work on a fresh clone. Quiet when there is nothing to do.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
marker=node_modules/.package-lock.json
if [[ ! -f "$marker" || package-lock.json -nt "$marker" ]]; then
  echo "installing npm dependencies (npm ci)…" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
elif [[ -n "$(find patches -name '*.patch' -newer "$marker" 2>/dev/null)" ]]; then
  # A fix to a dependency (patches/, applied by patch-package at install) newer than the install.
  echo "applying dependency patches (patch-package)…" >&2
  npx --no-install patch-package >&2 && touch "$marker"
fi
