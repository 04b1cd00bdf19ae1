#!/usr/bin/env bash
# Run a real single-node Apache Kafka broker (KRaft, broker+controller in one
# JVM) without Docker: the jars come from Maven Central (see pom.xml) into a
# cache outside the repository, the broker runs in the background.
#
#   infra/kafka/kafka.sh fetch
#   infra/kafka/kafka.sh start [--port P] [--controller-port C] [--data-dir D]
#   infra/kafka/kafka.sh status | stop | logs [-f] | clean
#   infra/kafka/kafka.sh libs      (the jars' directory, fetched if needed)
#
# Environment:
#   KAFKA_VERSION          broker version (default below; 4.x selects log4j2)
#   COMMS_CREDITS_CACHE    cache root   (default ~/.cache/comms-credits)
#   COMMS_CREDITS_STATE    state root   (default $PWD/.run); state dir is <root>/kafka
#   KAFKA_PORT             broker port  (default 9092; 0 = pick a free port)
#   KAFKA_CONTROLLER_PORT  controller port (default 9093; 0 = pick a free port)
#   KAFKA_HEAP_OPTS        JVM heap     (default -Xms128m -Xmx512m)
#   KAFKA_START_TIMEOUT    seconds to wait for the broker (default 60)
#   KAFKA_STOP_TIMEOUT     seconds to wait after SIGTERM before SIGKILL (default 30)
set -euo pipefail

KAFKA_VERSION="${KAFKA_VERSION:-3.9.2}"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_DIR="${COMMS_CREDITS_CACHE:-$HOME/.cache/comms-credits}/kafka/$KAFKA_VERSION"
LIBS_DIR="$CACHE_DIR/libs"
STATE_DIR="${COMMS_CREDITS_STATE:-$PWD/.run}/kafka"
PID_FILE="$STATE_DIR/kafka.pid"
BOOTSTRAP_FILE="$STATE_DIR/bootstrap"
DATA_DIR_FILE="$STATE_DIR/data-dir"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
MAJOR="${KAFKA_VERSION%%.*}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

usage() {
  cat <<EOF
usage: $(basename "$0") <command> [options]

commands:
  fetch     download Kafka $KAFKA_VERSION jars into $LIBS_DIR (once)
  start     start a single-node KRaft broker in the background and wait until it answers
            --port P             broker port (default \${KAFKA_PORT:-9092}; 0 = free port)
            --controller-port C  controller port (default \${KAFKA_CONTROLLER_PORT:-9093}; 0 = free port)
            --data-dir D         data and log directory (default $STATE_DIR/data)
            prints KAFKA_BROKERS=127.0.0.1:P as its last line
  stop      stop the broker (SIGTERM, SIGKILL after ${STOP_TIMEOUT}s)
  status    say whether the broker runs (exit 0) or not (exit 3)
  logs [-f] show (or follow) the broker log
  clean     stop the broker and delete its data and state
  libs      fetch if needed, then print the directory of the jars (for other launchers, such
            as the SASL_SSL test broker of libs/testing/src/lib/secure-kafka.ts)
EOF
}

die() { echo "kafka.sh: $*" >&2; exit 1; }
info() { echo "kafka.sh: $*" >&2; }

# --- fetch -----------------------------------------------------------------

# The cache is complete when its stamp names this version and this pom.
fetch_stamp() {
  echo "$KAFKA_VERSION $(sha256sum "$SCRIPT_DIR/pom.xml" | cut -d' ' -f1)"
}

cmd_fetch() {
  local stamp tmp profile=log4j1
  stamp="$(fetch_stamp)"
  if [[ -f "$CACHE_DIR/.complete" && "$(cat "$CACHE_DIR/.complete")" == "$stamp" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (needed once to fetch the Kafka jars)"
  if [[ "$MAJOR" -ge 4 ]]; then profile=log4j2; fi
  info "fetching Kafka $KAFKA_VERSION jars into $LIBS_DIR"
  mkdir -p "$CACHE_DIR"
  tmp="$(mktemp -d "$CACHE_DIR/libs.tmp.XXXXXX")"
  if ! mvn -B -f "$SCRIPT_DIR/pom.xml" -P "$profile" -Dkafka.version="$KAFKA_VERSION" \
      dependency:copy-dependencies -DoutputDirectory="$tmp" >"$tmp.log" 2>&1; then
    grep -E 'ERROR|FAIL' "$tmp.log" | head -n 20 >&2 || tail -n 20 "$tmp.log" >&2
    rm -rf "$tmp" "$tmp.log"
    die "mvn could not fetch Kafka $KAFKA_VERSION"
  fi
  rm -f "$tmp.log"
  rm -rf "$LIBS_DIR"
  mv "$tmp" "$LIBS_DIR"
  echo "$stamp" >"$CACHE_DIR/.complete"
}

# --- helpers ---------------------------------------------------------------

# PID of the broker this state dir started, if it still runs.
running_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 1
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # guard against a recycled pid: it must be our java running kafka.Kafka
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka ' || return 1
  echo "$pid"
}

data_dir() {
  if [[ -f "$DATA_DIR_FILE" ]]; then cat "$DATA_DIR_FILE"; else echo "$STATE_DIR/data"; fi
}

# Print N free TCP ports on 127.0.0.1 (held open together, so they differ).
free_ports() {
  local n="$1"
  if command -v python3 >/dev/null && python3 -c 'pass' 2>/dev/null; then
    python3 - "$n" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
  elif command -v node >/dev/null; then
    node -e '
      const net = require("net"); const n = +process.argv[1]; const ports = [];
      const next = () => { if (ports.length === n) { console.log(ports.map(s => s.address().port).join(" ")); ports.forEach(s => s.close()); return; }
        const s = net.createServer(); s.listen(0, "127.0.0.1", () => { ports.push(s); next(); }); };
      next();' "$n"
  else
    die "need python3 or node to pick free ports"
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_config() {
  local dir="$1" port="$2" cport="$3" data="$4"
  cat >"$dir/server.properties" <<EOF
# written by infra/kafka/kafka.sh: one KRaft node in combined mode
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data/kraft-combined-logs
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
  if [[ "$MAJOR" -ge 4 ]]; then
    cat >"$dir/log4j2.properties" <<'EOF'
status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
EOF
    cat >"$dir/tools-log4j2.properties" <<'EOF'
status = warn
appender.stderr.type = Console
appender.stderr.name = STDERR
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stderr.ref = STDERR
EOF
  else
    cat >"$dir/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.state.change.logger=WARN
EOF
    cat >"$dir/tools-log4j.properties" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
  fi
}

# JVM flags selecting the log config (broker or tools) for this major version.
log_opts() {
  local which="$1"   # "" for the broker, "tools-" for CLI tools
  if [[ "$MAJOR" -ge 4 ]]; then
    echo "-Dlog4j2.configurationFile=$STATE_DIR/${which}log4j2.properties"
  else
    echo "-Dlog4j.configuration=file:$STATE_DIR/${which}log4j.properties"
  fi
}

# A real request: ApiVersions against the broker (JVM tool, a second or two).
api_versions_ok() {
  local bootstrap="$1" cls=kafka.admin.BrokerApiVersionsCommand
  if [[ "$MAJOR" -ge 4 ]]; then cls=org.apache.kafka.tools.BrokerApiVersionsCommand; fi
  # shellcheck disable=SC2046  # log_opts is one word
  timeout 30 "$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC $(log_opts tools-) \
    -cp "$LIBS_DIR/*" "$cls" --bootstrap-server "$bootstrap" 2>/dev/null \
    | grep -q "^$bootstrap (id: 1"
}

# --- commands --------------------------------------------------------------

cmd_start() {
  local port="${KAFKA_PORT:-9092}" cport="${KAFKA_CONTROLLER_PORT:-9093}" data="" pid
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --port) port="${2:?--port needs a value}"; shift 2 ;;
      --controller-port) cport="${2:?--controller-port needs a value}"; shift 2 ;;
      --data-dir) data="${2:?--data-dir needs a value}"; shift 2 ;;
      -h|--help) usage; exit 0 ;;
      *) usage >&2; die "unknown option for start: $1" ;;
    esac
  done
  [[ "$port" =~ ^[0-9]+$ && "$cport" =~ ^[0-9]+$ ]] || die "ports must be numbers"

  if pid="$(running_pid)"; then
    info "already running (pid $pid)"
    echo "KAFKA_BROKERS=$(cat "$BOOTSTRAP_FILE")"
    return 0
  fi

  cmd_fetch
  command -v "$JAVA" >/dev/null || die "java not found (Kafka $KAFKA_VERSION needs Java 17+)"

  if [[ "$port" == 0 || "$cport" == 0 ]]; then
    local free
    read -r -a free <<<"$(free_ports 2)"
    if [[ "$port" == 0 ]]; then port="${free[0]}"; fi
    if [[ "$cport" == 0 ]]; then cport="${free[1]}"; fi
  fi
  [[ "$port" != "$cport" ]] || die "broker and controller ports must differ ($port)"
  for p in "$port" "$cport"; do
    if port_open "$p"; then die "port $p on 127.0.0.1 is already in use"; fi
  done

  mkdir -p "$STATE_DIR"
  STATE_DIR="$(cd "$STATE_DIR" && pwd)"
  PID_FILE="$STATE_DIR/kafka.pid"; BOOTSTRAP_FILE="$STATE_DIR/bootstrap"; DATA_DIR_FILE="$STATE_DIR/data-dir"
  [[ -n "$data" ]] || data="$(data_dir)"
  mkdir -p "$data"
  data="$(cd "$data" && pwd)"
  echo "$data" >"$DATA_DIR_FILE"
  rm -f "$PID_FILE" "$BOOTSTRAP_FILE"
  write_config "$STATE_DIR" "$port" "$cport" "$data"

  # Format the storage once; a restart keeps the topics and offsets.
  if [[ ! -f "$data/kraft-combined-logs/meta.properties" ]]; then
    local cluster_id
    # A Kafka Uuid in URL-safe base64; a leading '-' would read as an option of the format tool.
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' | sed 's/^-/A/')"
    # shellcheck disable=SC2046
    "$JAVA" -Xmx256m $(log_opts tools-) -cp "$LIBS_DIR/*" kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$STATE_DIR/server.properties" --ignore-formatted \
      >"$data/format.log" 2>&1 || { cat "$data/format.log" >&2; die "formatting $data failed"; }
  fi

  local log="$data/server.log"
  : >"$log"
  # shellcheck disable=SC2046,SC2086  # word splitting of the JVM options is wanted
  setsid nohup "$JAVA" $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true $(log_opts "") \
    -cp "$LIBS_DIR/*" kafka.Kafka "$STATE_DIR/server.properties" \
    </dev/null >>"$log" 2>&1 &
  pid=$!
  echo "$pid" >"$PID_FILE"

  local bootstrap="127.0.0.1:$port" deadline=$((SECONDS + START_TIMEOUT))
  until grep -q 'Kafka Server started' "$log" && port_open "$port" && api_versions_ok "$bootstrap"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      tail -n 40 "$log" >&2
      die "broker exited during start-up (full log: $log)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 40 "$log" >&2
      cmd_stop >/dev/null 2>&1 || true
      die "broker did not answer on $bootstrap within ${START_TIMEOUT}s (full log: $log)"
    fi
    sleep 0.5
  done
  echo "$bootstrap" >"$BOOTSTRAP_FILE"
  info "Kafka $KAFKA_VERSION running (pid $pid, controller 127.0.0.1:$cport, data $data)"
  echo "KAFKA_BROKERS=$bootstrap"
}

cmd_stop() {
  local pid deadline
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE" "$BOOTSTRAP_FILE"
    info "not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      info "no exit ${STOP_TIMEOUT}s after SIGTERM, sending SIGKILL to $pid"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$PID_FILE" "$BOOTSTRAP_FILE"
  info "stopped (pid $pid)"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    echo "running: pid $pid, Kafka $KAFKA_VERSION, data $(data_dir)"
    echo "KAFKA_BROKERS=$(cat "$BOOTSTRAP_FILE" 2>/dev/null || echo '?')"
  else
    echo "not running"
    return 3
  fi
}

cmd_logs() {
  local log
  log="$(data_dir)/server.log"
  [[ -f "$log" ]] || die "no log yet ($log)"
  if [[ "${1:-}" == "-f" ]]; then tail -n 50 -F "$log"; else tail -n 200 "$log"; fi
}

cmd_clean() {
  local data
  cmd_stop
  data="$(data_dir)"
  rm -rf "$data"
  rm -f "$STATE_DIR"/{server.properties,log4j.properties,tools-log4j.properties,log4j2.properties,tools-log4j2.properties,data-dir}
  info "removed $data"
}

main() {
  local cmd="${1:-}"
  if [[ $# -gt 0 ]]; then shift; fi
  case "$cmd" in
    fetch) cmd_fetch ;;
    libs) cmd_fetch && echo "$LIBS_DIR" ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    logs) cmd_logs "$@" ;;
    clean) cmd_clean ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
