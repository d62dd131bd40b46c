#!/usr/bin/env bash
# Builds and starts the balancer with its replicas: as containers when a Docker engine answers,
# as local Liberty processes otherwise. Prints both addresses once the balancer is ready, or, when
# its start fails (a bad setting), why, and stops it; Ctrl-C stops the balancer, which stops its
# replicas.
set -euo pipefail
cd "$(dirname "$0")"

port=${LB_PORT:-5000}
admin_port=${LB_ADMIN_PORT:-5001}

# Waits in the background until the balancer's readiness answers UP, then says where it is. Reads
# the balancer's log ($1 prints it) meanwhile: a start that failed is told with its cause, and the
# server this script became ($$) is stopped, rather than left up with no balancer in it.
announce_when_ready() {
  local failure
  for _ in $(seq 1 600); do
    if curl -fs -m 1 "http://127.0.0.1:$admin_port/health/ready" >/dev/null 2>&1; then
      echo "[run] ringlb is ready: clients on http://127.0.0.1:$port/ (the API and every replica path),"
      echo "[run]   admin on http://127.0.0.1:$admin_port/ (the API, /dashboard, /metrics, /openapi/ui, /health/ready)"
      return
    fi
    # Liberty's error for an application whose start threw, which ends with the exception: for a bad setting, naming it
    failure=$("$1" 2>/dev/null | grep -m1 -o -E '(SRVE0283E|CWWKZ0002E): .*' || true)
    if [ -n "$failure" ]; then
      echo "[run] the balancer did not start: ${failure##*InvalidConfigException: }" >&2
      kill -TERM $$
      return
    fi
    sleep 1
  done
  echo "[run] the balancer was not ready after 10 minutes: see its log above" >&2
}

if docker info >/dev/null 2>&1; then
  echo "[run] Docker engine found: building the images, then docker-compose.yml (balancer in a container, replicas on net1)"
  files=(-f docker-compose.yml)
  if [ -n "${LB_TLS_PORT:-}" ]; then
    # the certificate and key go into the container as docker-compose.tls.yml mounts them: their directory, read-only
    if [ -z "${LB_TLS_CERTIFICATE:-}" ] || [ -z "${LB_TLS_KEY:-}" ] || [ "$(dirname "$LB_TLS_CERTIFICATE")" != "$(dirname "$LB_TLS_KEY")" ]; then
      echo "[run] TLS in a container takes LB_TLS_CERTIFICATE and LB_TLS_KEY, two PEM files in one directory (docker-compose.tls.yml)" >&2
      exit 1
    fi
    files+=(-f docker-compose.tls.yml)
    RINGLB_TLS_DIR=$(cd "$(dirname "$LB_TLS_CERTIFICATE")" && pwd)
    RINGLB_TLS_CERTIFICATE=$(basename "$LB_TLS_CERTIFICATE")
    RINGLB_TLS_KEY=$(basename "$LB_TLS_KEY")
    export RINGLB_TLS_PORT=$LB_TLS_PORT RINGLB_TLS_DIR RINGLB_TLS_CERTIFICATE RINGLB_TLS_KEY
    echo "[run] TLS on 127.0.0.1:$LB_TLS_PORT, with $RINGLB_TLS_CERTIFICATE and $RINGLB_TLS_KEY from $RINGLB_TLS_DIR"
  fi
  # the container gets the settings its compose files name; one set here that they do not name would be quietly left out
  unpassed=()
  for name in $(compgen -e | grep '^LB_' || true); do
    case $name in LB_PORT | LB_ADMIN_PORT | LB_TLS_PORT | LB_TLS_CERTIFICATE | LB_TLS_KEY) continue ;; esac
    grep -q -E "^ +$name:" docker-compose.yml || unpassed+=("$name")
  done
  if [ ${#unpassed[@]} -gt 0 ]; then
    echo "[run] not passed into the balancer's container (docker-compose.yml does not name them): ${unpassed[*]}" >&2
  fi
  ./mvnw -q install -DskipTests -pl images -am
  if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
  since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  balancer_log() { docker logs --since "$since" ringlb-balancer 2>&1; }
  announce_when_ready balancer_log &
  RINGLB_PORT=$port RINGLB_ADMIN_PORT=$admin_port exec "${compose[@]}" "${files[@]}" -p ringlb up
else
  echo "[run] no Docker engine: the balancer with replicas as local processes"
  ./mvnw -q install -DskipTests -pl lb-webapp -am
  log=lb-webapp/target/liberty/wlp/usr/servers/lb/logs/messages.log
  rm -f "$log" # the last run's: this one's start writes its own
  balancer_log() { cat "$log"; }
  announce_when_ready balancer_log &
  LB_PORT=$port LB_ADMIN_PORT=$admin_port exec ./mvnw -q -pl lb-webapp liberty:run
fi
