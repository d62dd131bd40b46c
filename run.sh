#!/usr/bin/env bash
# Builds and starts the balancer with its replicas: as containers when a Docker engine answers,
# as local Liberty processes otherwise. Prints both addresses once the balancer is ready, or, when
# its start fails (a bad setting, a port taken), why, stops it and exits 1; Ctrl-C (SIGTERM, a
# closed terminal) stops the balancer, which stops its replicas.
set -euo pipefail
# paths in settings are the caller's: made whole before the directory changes (Liberty reads them from its server's)
for setting in LB_TLS_CERTIFICATE LB_TLS_KEY LB_TLS_KEYSTORE LB_FORWARD_TLS_TRUST LB_ACCESS_LOG LB_PLUGINS_DIR \
  LB_PROVIDER_PROCESS_WLP_DIR LB_PROVIDER_PROCESS_USER_DIR LB_PROVIDER_PROCESS_WORK_DIR; do
  value=${!setting:-}
  case "$value" in
    "" | /* | stdout) ;;
    *) export "$setting=$PWD/$value" ;;
  esac
done
cd "$(dirname "$0")"

port=${LB_PORT:-5000}
admin_port=${LB_ADMIN_PORT:-5001}

# Waits until the balancer's readiness answers UP, then says where it is. Reads the balancer's log
# meanwhile (balancer_log prints it): a start that failed is told with its cause, the server is
# stopped (stop_server) rather than left up with no balancer in it, and it returns 1, which no
# SIGTERM of serve's can cut short. Returns 2 when it gave up waiting; gives up once this script
# ($$) has ended.
announce_when_ready() {
  local failure
  for _ in $(seq 1 600); do
    kill -0 $$ 2>/dev/null || return 0
    if curl -fs -m 1 "http://127.0.0.1:$admin_port/health/ready" >/dev/null 2>&1; then
      echo "[run] ringlb is ready: clients on http://127.0.0.1:$port/ (the API and every replica path),"
      echo "[run]   admin on http://127.0.0.1:$admin_port/ (the API, /dashboard, /metrics, /openapi/ui, /health/ready)"
      return 0
    fi
    # Liberty's errors for an application whose start threw (for a bad setting, the exception names it) and for a port
    # it cannot listen on, and the data plane's for its own ports
    failure=$(balancer_log 2>/dev/null | grep -m1 -o -E '(SRVE0283E|CWWKZ0002E|CWWKO0221E): .*|ringlb data plane cannot listen .*' || true)
    if [ -n "$failure" ]; then
      echo "[run] the balancer did not start: ${failure##*InvalidConfigException: }" >&2
      trap '' TERM # stopping a container takes time, in which compose may end and serve stop waiting for this
      stop_server
      return 1
    fi
    sleep 1
  done
  echo "[run] the balancer was not ready after 10 minutes: see its log above" >&2
  return 2
}

# Runs the server ("$@") until it ends, the announcer beside it. The server runs in a session of
# its own where setsid is at hand, so that a terminal's Ctrl-C reaches this script alone, which
# stops the server through stop_server once, however often it is pressed (compose, interrupted
# twice, kills the balancer before it has stopped its replicas). Exits 1 when the announcer saw
# the start fail; 130, 143 or 129 when Ctrl-C, SIGTERM or a closed terminal stopped it; else
# with the server's status.
serve() {
  stopped_by=""
  trap 'on_signal 130' INT
  trap 'on_signal 143' TERM
  trap 'on_signal 129' HUP
  if command -v setsid >/dev/null 2>&1; then setsid "$@" & else "$@" & fi
  server=$!
  [ -z "$stopped_by" ] || stop_server # a signal that came before the server did
  announce_when_ready &
  local announcer=$! status announced
  # a trapped signal ends a wait early, with the server still running
  while running "$server"; do wait "$server" || true; done
  wait "$server" && status=0 || status=$?
  if running "$announcer"; then kill "$announcer" 2>/dev/null || true; fi
  wait "$announcer" && announced=0 || announced=$?
  [ "$announced" -ne 1 ] || exit 1
  exit "${stopped_by:-$status}"
}

# What serve's traps call: stops the server on the first signal only, and says which it was
# shellcheck disable=SC2317 # called by the traps
on_signal() {
  [ -z "$stopped_by" ] || return 0
  stopped_by=$1
  [ -z "${server:-}" ] || stop_server
}

# Whether the background job $1 still runs: asked of the shell's jobs, not of a pid the system may have given another process since
running() { jobs -rp | grep -qx "$1"; }

if docker info >/dev/null 2>&1; then
  echo "[run] Docker engine found: building the images, then docker-compose.yml (balancer in a container, replicas on net1)"
  files=(-f docker-compose.yml)
  if [ -n "${LB_TLS_PORT:-}" ] && [ -n "${LB_TLS_KEYSTORE:-}" ]; then
    # a PKCS#12 keystore goes into the container as docker-compose.tls-pkcs12.yml mounts it: its directory, read-only
    if [ -n "${LB_TLS_CERTIFICATE:-}${LB_TLS_KEY:-}" ]; then
      echo "[run] LB_TLS_KEYSTORE is set beside LB_TLS_CERTIFICATE or LB_TLS_KEY: give the certificate as PEM files or as a PKCS#12 keystore, not both" >&2
      exit 1
    fi
    if [ ! -f "$LB_TLS_KEYSTORE" ]; then
      echo "[run] TLS in a container takes LB_TLS_KEYSTORE, a PKCS#12 file (docker-compose.tls-pkcs12.yml): no file at '$LB_TLS_KEYSTORE'" >&2
      exit 1
    fi
    RINGLB_TLS_DIR=$(cd "$(dirname "$LB_TLS_KEYSTORE")" && pwd)
    RINGLB_TLS_KEYSTORE=$(basename "$LB_TLS_KEYSTORE")
    export RINGLB_TLS_PORT=$LB_TLS_PORT RINGLB_TLS_DIR RINGLB_TLS_KEYSTORE
    files+=(-f docker-compose.tls-pkcs12.yml)
    echo "[run] TLS on 127.0.0.1:$LB_TLS_PORT, with the keystore $RINGLB_TLS_KEYSTORE from $RINGLB_TLS_DIR"
  elif [ -n "${LB_TLS_PORT:-}" ]; then
    # the certificate and key go into the container as docker-compose.tls.yml mounts them: their directory, read-only
    for file in "${LB_TLS_CERTIFICATE:-}" "${LB_TLS_KEY:-}"; do
      if [ ! -f "$file" ]; then
        echo "[run] TLS in a container takes LB_TLS_CERTIFICATE and LB_TLS_KEY, two PEM files in one directory (docker-compose.tls.yml), or LB_TLS_KEYSTORE: no file at '$file'" >&2
        exit 1
      fi
    done
    RINGLB_TLS_DIR=$(cd "$(dirname "$LB_TLS_CERTIFICATE")" && pwd)
    if [ "$(cd "$(dirname "$LB_TLS_KEY")" && pwd)" != "$RINGLB_TLS_DIR" ]; then
      echo "[run] TLS in a container takes LB_TLS_CERTIFICATE and LB_TLS_KEY in one directory (docker-compose.tls.yml mounts it)" >&2
      exit 1
    fi
    RINGLB_TLS_CERTIFICATE=$(basename "$LB_TLS_CERTIFICATE")
    RINGLB_TLS_KEY=$(basename "$LB_TLS_KEY")
    export RINGLB_TLS_PORT=$LB_TLS_PORT RINGLB_TLS_DIR RINGLB_TLS_CERTIFICATE RINGLB_TLS_KEY
    files+=(-f docker-compose.tls.yml)
    echo "[run] TLS on 127.0.0.1:$LB_TLS_PORT, with $RINGLB_TLS_CERTIFICATE and $RINGLB_TLS_KEY from $RINGLB_TLS_DIR"
  fi
  # the container gets the settings docker-compose.yml passes on (NAME: ${NAME...}); one set here that it does not, or
  # sets itself, would be quietly left out
  unpassed=()
  for name in $(compgen -e | grep '^LB_' || true); do
    case $name in
      LB_PORT | LB_ADMIN_PORT) continue ;; # run.sh publishes them
      LB_TLS_PORT | LB_TLS_CERTIFICATE | LB_TLS_KEY | LB_TLS_KEYSTORE | LB_TLS_KEYSTORE_PASSWORD) [ -n "${LB_TLS_PORT:-}" ] && continue ;;
    esac
    grep -q -E "^ +${name}: \\\$\{${name}[:}]" docker-compose.yml || unpassed+=("$name")
  done
  if [ ${#unpassed[@]} -gt 0 ]; then
    echo "[run] not passed into the balancer's container (docker-compose.yml does not pass them on): ${unpassed[*]}" >&2
  fi
  ./mvnw -q install -DskipTests -pl images -am
  if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
  container=${RINGLB_CONTAINER:-ringlb-balancer} # docker-compose.yml's container_name
  # this start's log: nothing until the container runs (one left stopped by an earlier run holds that run's), then since it started
  balancer_log() {
    local started
    started=$(docker inspect -f '{{if .State.Running}}{{.State.StartedAt}}{{end}}' "$container" 2>/dev/null) || return 0
    [ -z "$started" ] || docker logs --since "$started" "$container" 2>&1
  }
  # stopped (its stop_grace_period given to the balancer), the balancer's container ends `up`. Then compose is told as
  # well, for a container not made or not started yet: its whole session, since a signal to the docker command alone
  # may not reach compose's plugin process
  stop_server() {
    docker stop "$container" >/dev/null 2>&1 || true
    kill -TERM -- "-$server" 2>/dev/null || kill -TERM "$server" 2>/dev/null || true
  }
  # the network made here, not attachable (docker-compose 1.29 would make it attachable): an engine that leaves a swarm (the
  # Swarm tests, run beside) disconnects every container from every attachable network (docker-compose.yml). One an
  # earlier docker-compose made attachable is made again if nothing uses it
  network=${RINGLB_NETWORK:-net1}
  if [ "$(docker network inspect -f '{{.Attachable}}' "$network" 2>/dev/null)" = true ]; then
    docker network rm "$network" >/dev/null 2>&1 || echo "[run] $network is attachable and in use: leaving a swarm on this engine would disconnect its containers" >&2
  fi
  # with the labels compose gives its own (Compose v2 refuses a network without them, and removes only a labelled one on down)
  docker network inspect "$network" >/dev/null 2>&1 ||
    docker network create --label com.docker.compose.project=ringlb --label com.docker.compose.network=net1 "$network" >/dev/null
  # a new container each run: the one an earlier run left stopped may name a network removed since (a docker compose
  # down, or docker network prune, removes net1), and starting it would fail
  RINGLB_PORT=$port RINGLB_ADMIN_PORT=$admin_port serve "${compose[@]}" "${files[@]}" -p ringlb up --force-recreate
else
  echo "[run] no Docker engine: the balancer with replicas as local processes"
  ./mvnw -q install -DskipTests -pl lb-webapp -am
  log=lb-webapp/target/liberty/wlp/usr/servers/lb/logs/messages.log
  rm -f "$log" # the last run's: this one's start writes its own
  balancer_log() { cat "$log"; }
  # liberty:run stops the server on SIGTERM
  stop_server() { kill -TERM "$server" 2>/dev/null || true; }
  LB_PORT=$port LB_ADMIN_PORT=$admin_port serve ./mvnw -q -pl lb-webapp liberty:run
fi
