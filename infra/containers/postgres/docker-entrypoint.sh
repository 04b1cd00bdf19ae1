#!/bin/bash
# Entrypoint of localhost/comms-credits/postgres, behaving like the official
# postgres image's for POSTGRES_USER (default postgres), POSTGRES_PASSWORD,
# POSTGRES_DB (default $POSTGRES_USER), POSTGRES_HOST_AUTH_METHOD,
# POSTGRES_INITDB_ARGS and /docker-entrypoint-initdb.d/*.{sh,sql,sql.gz}:
# initdb on first start (temporary socket-only server, then the real one, so
# "database system is ready to accept connections" is logged twice, as there),
# listens on 0.0.0.0:5432, runs as the postgres user, logs to stderr.
# Tuned for tests: fsync, synchronous_commit and full_page_writes off,
# max_connections=300.
set -Eeuo pipefail

# `docker run image -c foo=bar` means `postgres -c foo=bar`
if [[ "${1:-}" == -* ]]; then set -- postgres "$@"; fi

if [[ "${1:-}" != postgres ]]; then exec "$@"; fi

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

if [[ "$(id -u)" == 0 ]]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chmod 00700 "$PGDATA"
  chmod 03775 /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

init_database() {
  : "${POSTGRES_USER:=postgres}"
  : "${POSTGRES_DB:=$POSTGRES_USER}"
  : "${POSTGRES_PASSWORD:=}"
  local auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
  if [[ -z "$POSTGRES_PASSWORD" && "$auth" != trust ]]; then
    cat >&2 <<'EOF'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser, or use POSTGRES_HOST_AUTH_METHOD=trust to allow all
       connections without a password (tests only).
EOF
    exit 1
  fi

  local initdb_args=(--username="$POSTGRES_USER" --encoding=UTF8 --locale=C.UTF-8)
  # shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS holds several words
  if [[ -n "$POSTGRES_PASSWORD" ]]; then
    initdb "${initdb_args[@]}" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") ${POSTGRES_INITDB_ARGS:-}
  else
    initdb "${initdb_args[@]}" ${POSTGRES_INITDB_ARGS:-}
  fi

  cat >>"$PGDATA/postgresql.conf" <<'EOF'

# --- comms-credits test image ---
listen_addresses = '*'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  printf '\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"

  # temporary server, unix socket only
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start

  local psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
  if [[ "$POSTGRES_DB" != postgres ]]; then
    if [[ -z "$("${psql[@]}" --dbname postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '${POSTGRES_DB//\'/\'\'}'")" ]]; then
      "${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
    fi
  fi

  local f
  for f in /docker-entrypoint-initdb.d/*; do
    [[ -e "$f" ]] || continue
    # shellcheck disable=SC1090  # user-provided init scripts
    case "$f" in
      *.sh) echo "running $f"; if [[ -x "$f" ]]; then "$f"; else . "$f"; fi ;;
      *.sql) echo "running $f"; "${psql[@]}" --dbname "$POSTGRES_DB" -f "$f" ;;
      *.sql.gz) echo "running $f"; gunzip -c "$f" | "${psql[@]}" --dbname "$POSTGRES_DB" ;;
      *) echo "ignoring $f" ;;
    esac
  done

  pg_ctl -D "$PGDATA" -m fast -w stop
  echo
  echo 'PostgreSQL init process complete; ready for start up.'
  echo
}

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  init_database
else
  echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
fi

exec "$@"
