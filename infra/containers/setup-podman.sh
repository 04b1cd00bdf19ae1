#!/usr/bin/env bash
# Make a Docker-compatible API available for testcontainers without a Docker
# engine: rootful podman serving the Docker API on a unix socket.
#
#   infra/containers/setup-podman.sh             # install/configure/start, print env
#   export $(infra/containers/setup-podman.sh)   # ... and export it (KEY=VALUE lines)
#
# Idempotent: installs packages only when missing, edits containers.conf only
# when a setting differs, starts the API service only when the socket does not
# answer. Needs root (apt-get, /etc, /run).
set -euo pipefail

SOCKET="${PODMAN_SOCKET:-/run/podman/podman.sock}"
SERVICE_LOG="${PODMAN_SERVICE_LOG:-/run/podman/podman-service.log}"
CONF=/etc/containers/containers.conf
# rootful podman with runc and netavark (bridge + iptables port forwarding);
# debootstrap is for build-images.sh. No slirp4netns/uidmap/fuse-overlayfs:
# those are only needed rootless.
PACKAGES=(podman runc netavark aardvark-dns iptables debootstrap curl)

die() { echo "setup-podman.sh: $*" >&2; exit 1; }
info() { echo "setup-podman.sh: $*" >&2; }

[[ "$(id -u)" == 0 ]] || die "must run as root"

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [[ ${#missing[@]} -gt 0 ]] || return 0
  info "installing ${missing[*]}"
  local log
  log="$(mktemp)"
  if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
      --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    rm -f "$log"
    die "apt-get install failed"
  fi
  rm -f "$log"
}

# Set `key = value` inside [section] of a TOML file, keeping everything else:
# replaces an existing (uncommented) key in that section, including a
# multi-line array value, or adds it at the end of the section, or appends
# the section.
set_toml_key() {
  local file="$1" section="$2" key="$3" value="$4" tmp
  tmp="$(mktemp)"
  awk -v sec="[$section]" -v key="$key" -v line="$key = $value" '
    function emit() { if (insec && !done) { print line; done = 1 } }
    skipping { if ($0 ~ /\]/) skipping = 0; next }
    /^[[:space:]]*\[/ {
      hdr = $0; sub(/[[:space:]]*#.*/, "", hdr); gsub(/[[:space:]]/, "", hdr)
      emit(); insec = (hdr == sec); if (insec) seen = 1
      print; next
    }
    insec && $0 ~ ("^[[:space:]]*" key "[[:space:]]*=") {
      if (!done) { print line; done = 1 }
      rest = $0; sub(/^[^=]*=/, "", rest)
      if (rest ~ /\[/ && rest !~ /\]/) skipping = 1
      next
    }
    { print }
    END { emit(); if (!seen) { print ""; print sec; print line } }
  ' "$file" >"$tmp"
  if cmp -s "$tmp" "$file"; then rm -f "$tmp"; else cat "$tmp" >"$file"; rm -f "$tmp"; fi
}

configure() {
  mkdir -p "$(dirname "$CONF")"
  [[ -f "$CONF" ]] || printf '# podman settings for this machine (see containers.conf(5))\n' >"$CONF"
  # The image default ulimits (nofile=...) may exceed this machine's hard limit.
  set_toml_key "$CONF" containers default_ulimits '[]'
  set_toml_key "$CONF" engine runtime '"runc"'
  # No systemd here: cgroupfs and a file event log.
  set_toml_key "$CONF" engine cgroup_manager '"cgroupfs"'
  set_toml_key "$CONF" engine events_logger '"file"'
  # netavark, explicitly, so podman does not read the packaged CNI config.
  set_toml_key "$CONF" network network_backend '"netavark"'
}

ping_socket() {
  [[ -S "$SOCKET" ]] && curl -sf -m 2 --unix-socket "$SOCKET" http://d/_ping 2>/dev/null | grep -q OK
}

# A service started from a directory deleted since (the checkout of an earlier run, cloned
# again in its place) answers its socket but cannot start a container: conmon inherits its
# working directory and fails ("Failed to get working directory"). Such a service is replaced.
stop_stranded_service() {
  local pidfile pid
  pidfile="$(dirname "$SOCKET")/podman-service.pid"
  pid=$(cat "$pidfile" 2>/dev/null) || return 0
  if [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == *" (deleted)" ]]; then
    info "the podman API service (pid $pid) runs in a deleted directory; restarting it"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$SOCKET" "$pidfile"
  fi
}

start_service() {
  stop_stranded_service
  ping_socket && return 0
  mkdir -p "$(dirname "$SOCKET")"
  rm -f "$SOCKET"   # stale socket of a dead service
  info "starting podman API service on $SOCKET (log: $SERVICE_LOG)"
  # From /, so that its containers never depend on this checkout's directory. The subshell
  # execs the service with every descriptor redirected: nothing may keep this script's stdout
  # open, or a caller reading it to the end (.ci/run) waits forever.
  (cd / && exec setsid nohup podman system service --time=0 "unix://$SOCKET") \
    </dev/null >>"$SERVICE_LOG" 2>&1 &
  local pid=$! deadline=$((SECONDS + 30))
  echo "$pid" >"$(dirname "$SOCKET")/podman-service.pid"
  until ping_socket; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$SERVICE_LOG" >&2
      die "podman system service exited"
    fi
    ((SECONDS < deadline)) || { tail -n 20 "$SERVICE_LOG" >&2; die "no answer on $SOCKET after 30s"; }
    sleep 0.3
  done
}

install_packages
configure
start_service

echo "DOCKER_HOST=unix://$SOCKET"
echo "TESTCONTAINERS_RYUK_DISABLED=true"
echo "TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1"
