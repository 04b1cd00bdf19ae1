#!/usr/bin/env bash
# Build the container images the tests use, locally, without pulling from any
# registry: a Debian root filesystem made with debootstrap from the machine's
# apt mirror, packages installed in a chroot, the result `podman import`ed.
#
#   infra/containers/build-images.sh [--force] [--rebuild-rootfs] [kafka] [postgres]
#
#   (no image named)  build both
#   --force           rebuild the images even if they exist (reuses cached rootfs)
#   --rebuild-rootfs  also redo debootstrap and the package installs
#
# Root filesystems are cached as tarballs in $COMMS_CREDITS_CACHE/rootfs
# (default ~/.cache/comms-credits/rootfs); the Kafka jars come from
# infra/kafka/kafka.sh fetch. Run infra/containers/setup-podman.sh first.
set -euo pipefail

KAFKA_VERSION="${KAFKA_VERSION:-3.9.2}"
POSTGRES_MAJOR="${POSTGRES_MAJOR:-15}"
DEBIAN_SUITE="${DEBIAN_SUITE:-bookworm}"
JRE_PACKAGE="${JRE_PACKAGE:-openjdk-17-jre-headless}"
KAFKA_LOCAL_IMAGE="${KAFKA_LOCAL_IMAGE:-localhost/comms-credits/kafka:$KAFKA_VERSION}"
POSTGRES_LOCAL_IMAGE="${POSTGRES_LOCAL_IMAGE:-localhost/comms-credits/postgres:$POSTGRES_MAJOR}"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_ROOT="${COMMS_CREDITS_CACHE:-$HOME/.cache/comms-credits}"
ROOTFS_CACHE="$CACHE_ROOT/rootfs"
KAFKA_LIBS="$CACHE_ROOT/kafka/$KAFKA_VERSION/libs"
BASE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

FORCE=0
REBUILD_ROOTFS=0
WANT=()
WORK=""

die() { echo "build-images.sh: $*" >&2; exit 1; }
info() { echo "build-images.sh: $*" >&2; }

usage() { sed -n '2,15s/^# \{0,1\}//p' "$0"; }

# --- work dir with chroot mounts, always cleaned up -------------------------

unmount_under() {
  local dir="$1" m
  # deepest first
  while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m"
  done < <(awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r)
}

cleanup() {
  [[ -n "$WORK" && -d "$WORK" ]] || return 0
  unmount_under "$WORK"
  (assert_no_mounts "$WORK") || return 0
  rm -rf --one-file-system "$WORK"
}

# --- apt mirror ------------------------------------------------------------

debian_mirror() {
  local uri=""
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    uri="$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)"
  fi
  if [[ -z "$uri" && -f /etc/apt/sources.list ]]; then
    uri="$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' /etc/apt/sources.list)"
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

# --- root filesystems --------------------------------------------------------

# Run a command inside a root filesystem with /proc, /sys, /dev and DNS.
in_chroot() {
  local root="$1"
  shift
  chroot "$root" /usr/bin/env -i PATH="$BASE_PATH" HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}

mount_chroot() {
  local root="$1"
  mount -t proc proc "$root/proc"
  mount -t sysfs sysfs "$root/sys"
  mount --bind /dev "$root/dev"
  mount --bind /dev/pts "$root/dev/pts"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
}

umount_chroot() {
  local root="$1"
  unmount_under "$root"
  : >"$root/etc/resolv.conf"
}

# Debian minbase, cached as a tarball.
base_tarball() {
  local tarball="$ROOTFS_CACHE/$DEBIAN_SUITE-minbase.tar" root="$WORK/base" mirror log
  if [[ -f "$tarball" && "$REBUILD_ROOTFS" == 0 ]]; then echo "$tarball"; return 0; fi
  mirror="$(debian_mirror)"
  info "debootstrap $DEBIAN_SUITE minbase from $mirror"
  mkdir -p "$root" "$ROOTFS_CACHE"
  log="$WORK/debootstrap.log"
  if ! debootstrap --variant=minbase "$DEBIAN_SUITE" "$root" "$mirror" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    [[ -f "$root/debootstrap/debootstrap.log" ]] && tail -n 30 "$root/debootstrap/debootstrap.log" >&2
    die "debootstrap failed"
  fi
  # the machine's apt sources (updates, security), when it uses deb822 sources
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/debian.sources"
    rm -f "$root/etc/apt/sources.list"
  fi
  # no daemons started by package scripts in the chroot
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  rm -f "$root"/var/cache/apt/archives/*.deb
  tar -C "$root" --numeric-owner -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  rm -rf --one-file-system "$root"
  echo "$tarball"
}

# A rootfs with packages installed: $1 name, $2 function run before apt-get
# install, $3 function run after it (both get the rootfs dir), then the
# packages. Cached as a tarball whose name carries a hash of the recipe.
package_tarball() {
  local name="$1" pre="$2" post="$3"
  shift 3
  local recipe hash tarball root base log
  recipe="$DEBIAN_SUITE $* $(declare -f "$pre" "$post")"
  hash="$(printf '%s' "$recipe" | sha256sum | cut -c1-12)"
  tarball="$ROOTFS_CACHE/$DEBIAN_SUITE-$name-$hash.tar"
  if [[ -f "$tarball" && "$REBUILD_ROOTFS" == 0 ]]; then echo "$tarball"; return 0; fi
  base="$(base_tarball)"
  root="$WORK/$name"
  mkdir -p "$root"
  tar -C "$root" --numeric-owner -xpf "$base"
  info "installing $* into the $name rootfs"
  mount_chroot "$root"
  log="$WORK/$name-apt.log"
  "$pre" "$root" >&2
  if ! { in_chroot "$root" apt-get update -q &&
      in_chroot "$root" apt-get install -y -q --no-install-recommends "$@"; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "apt-get install $* failed in the $name rootfs"
  fi
  "$post" "$root" >&2
  in_chroot "$root" apt-get clean >&2
  umount_chroot "$root"
  slim_rootfs "$root"
  rm -f "$ROOTFS_CACHE/$DEBIAN_SUITE-$name-"*.tar
  tar -C "$root" --numeric-owner -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  rm -rf --one-file-system "$root"
  echo "$tarball"
}

assert_no_mounts() {
  if awk -v d="$1/" 'index($2, d) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
    die "something is still mounted under $1"
  fi
}

slim_rootfs() {
  local root="$1"
  assert_no_mounts "$root"
  rm -rf --one-file-system "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
    "$root"/usr/share/locale/* "$root"/var/log/*.log "$root"/var/log/apt/* \
    "$root"/tmp/* "$root"/root/.cache
  # the runtime provides /dev
  rm -rf --one-file-system "${root:?}"/dev/*
}

kafka_pre() { :; }
kafka_post() {
  local root="$1"
  in_chroot "$root" groupadd --gid 1000 appuser
  in_chroot "$root" useradd --uid 1000 --gid 1000 --create-home --shell /bin/bash appuser
}

postgres_pre() {
  local root="$1"
  # like the official image: no cluster from the package, initdb at first start
  mkdir -p "$root/etc/postgresql-common/createcluster.d"
  echo 'create_main_cluster = false' >"$root/etc/postgresql-common/createcluster.d/no-main-cluster.conf"
}
postgres_post() { :; }

# --- images --------------------------------------------------------------

image_exists() { podman image exists "$1"; }

# Import a directory as an image: $1 dir, $2 image, then --change options.
import_dir() {
  local dir="$1" image="$2"
  shift 2
  local changes=() c
  for c in "$@"; do changes+=(--change "$c"); done
  local old
  old="$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
  tar -C "$dir" --numeric-owner -cf "$WORK/image.tar" .
  podman import -q "${changes[@]}" "$WORK/image.tar" "$image" >/dev/null
  rm -f "$WORK/image.tar"
  # drop the image this one replaced, unless a container still uses it
  if [[ -n "$old" && "$old" != "$(podman image inspect --format '{{.Id}}' "$image")" ]]; then
    podman rmi "$old" >/dev/null 2>&1 || true
  fi
}

build_kafka() {
  local tarball root
  if image_exists "$KAFKA_LOCAL_IMAGE" && [[ "$FORCE" == 0 ]]; then
    info "$KAFKA_LOCAL_IMAGE exists"; return 0
  fi
  KAFKA_VERSION="$KAFKA_VERSION" "$SCRIPT_DIR/../kafka/kafka.sh" fetch
  tarball="$(package_tarball kafka kafka_pre kafka_post "$JRE_PACKAGE")"
  root="$WORK/kafka-image"
  mkdir -p "$root"
  tar -C "$root" --numeric-owner -xpf "$tarball"
  install -d "$root/opt/kafka/libs" "$root/opt/kafka/config" "$root/etc/kafka/docker" "$root/var/lib/kafka/data"
  cp "$KAFKA_LIBS"/*.jar "$root/opt/kafka/libs/"
  install -m 0755 "$SCRIPT_DIR/kafka/run" "$root/etc/kafka/docker/run"
  install -m 0644 "$SCRIPT_DIR/kafka/default.server.properties" "$root/opt/kafka/config/default.server.properties"
  chown -R 1000:1000 "$root/opt/kafka/config" "$root/var/lib/kafka"
  info "importing $KAFKA_LOCAL_IMAGE"
  # No EXPOSE on purpose: podman 4.3's Docker API lists an image's exposed but
  # unpublished ports in HostConfig.PortBindings as null, and testcontainers
  # then waits for them forever ("waiting for container ports to be bound").
  # The harness publishes the broker port it chose (host P -> container P).
  import_dir "$root" "$KAFKA_LOCAL_IMAGE" \
    "ENV PATH=$BASE_PATH" "ENV LANG=C.UTF-8" "ENV KAFKA_HOME=/opt/kafka" \
    "USER appuser" "WORKDIR /opt/kafka" \
    "LABEL org.opencontainers.image.title=comms-credits-kafka" \
    "LABEL org.opencontainers.image.version=$KAFKA_VERSION" \
    'ENTRYPOINT ["/etc/kafka/docker/run"]'
  rm -rf --one-file-system "$root"
}

build_postgres() {
  local tarball root
  if image_exists "$POSTGRES_LOCAL_IMAGE" && [[ "$FORCE" == 0 ]]; then
    info "$POSTGRES_LOCAL_IMAGE exists"; return 0
  fi
  tarball="$(package_tarball "postgres-$POSTGRES_MAJOR" postgres_pre postgres_post "postgresql-$POSTGRES_MAJOR")"
  root="$WORK/postgres-image"
  mkdir -p "$root"
  tar -C "$root" --numeric-owner -xpf "$tarball"
  install -m 0755 "$SCRIPT_DIR/postgres/docker-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
  install -d "$root/docker-entrypoint-initdb.d"
  info "importing $POSTGRES_LOCAL_IMAGE"
  import_dir "$root" "$POSTGRES_LOCAL_IMAGE" \
    "ENV PATH=/usr/lib/postgresql/$POSTGRES_MAJOR/bin:$BASE_PATH" "ENV LANG=C.UTF-8" \
    "ENV PGDATA=/var/lib/postgresql/data" \
    "EXPOSE 5432" "STOPSIGNAL SIGINT" \
    "LABEL org.opencontainers.image.title=comms-credits-postgres" \
    "LABEL org.opencontainers.image.version=$POSTGRES_MAJOR" \
    'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["postgres"]'
  rm -rf --one-file-system "$root"
}

main() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --force) FORCE=1 ;;
      --rebuild-rootfs) FORCE=1; REBUILD_ROOTFS=1 ;;
      kafka | postgres) WANT+=("$1") ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; exit 2 ;;
    esac
    shift
  done
  [[ ${#WANT[@]} -gt 0 ]] || WANT=(kafka postgres)
  [[ "$(id -u)" == 0 ]] || die "must run as root (debootstrap, chroot)"
  local tool
  for tool in podman debootstrap chroot; do
    command -v "$tool" >/dev/null || die "$tool not found: run infra/containers/setup-podman.sh first"
  done

  WORK="$(mktemp -d "${TMPDIR:-/var/tmp}/comms-credits-images.XXXXXX")"
  trap cleanup EXIT
  trap 'exit 130' INT TERM

  local what
  for what in "${WANT[@]}"; do "build_$what"; done
  for what in "${WANT[@]}"; do
    case "$what" in
      kafka) echo "KAFKA_IMAGE=$KAFKA_LOCAL_IMAGE" ;;
      postgres) echo "POSTGRES_IMAGE=$POSTGRES_LOCAL_IMAGE" ;;
    esac
  done
}

main "$@"
