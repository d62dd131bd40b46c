#!/usr/bin/env bash
# Builds and starts the balancer with its replicas: as containers when a Docker engine answers,
# as local Liberty processes otherwise. Prints both addresses once the balancer is ready; Ctrl-C
# stops the balancer, which stops its replicas.
set -euo pipefail
cd "$(dirname "$0")"

port=${LB_PORT:-5000}
admin_port=${LB_ADMIN_PORT:-5001}

# Waits in the background until the balancer's readiness answers UP, then says where it is.
announce_when_ready() {
  for _ in $(seq 1 600); do
    if curl -fs -m 1 "http://127.0.0.1:$admin_port/health/ready" >/dev/null 2>&1; then
      echo "[run] ringlb is ready: clients on http://127.0.0.1:$port/ (the API and every replica path),"
      echo "[run]   admin on http://127.0.0.1:$admin_port/ (the API, /dashboard, /metrics, /openapi/ui, /health/ready)"
      return
    fi
    sleep 1
  done
  echo "[run] the balancer was not ready after 10 minutes: see its log above" >&2
}

if docker info >/dev/null 2>&1; then
  echo "[run] Docker engine found: building the images, then docker-compose.yml (balancer in a container, replicas on net1)"
  ./mvnw -q install -DskipTests -pl images -am
  if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
  announce_when_ready &
  RINGLB_PORT=$port RINGLB_ADMIN_PORT=$admin_port exec "${compose[@]}" -p ringlb up
else
  echo "[run] no Docker engine: the balancer with replicas as local processes"
  ./mvnw -q install -DskipTests -pl lb-webapp -am
  announce_when_ready &
  LB_PORT=$port LB_ADMIN_PORT=$admin_port exec ./mvnw -q -pl lb-webapp liberty:run
fi
