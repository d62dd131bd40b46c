#!/usr/bin/env bash
# Builds and starts the balancer with its replicas: as containers when a Docker engine answers,
# as local Liberty processes otherwise. Ctrl-C stops the balancer, which stops its replicas.
set -euo pipefail
cd "$(dirname "$0")"

if docker info >/dev/null 2>&1; then
  echo "[run] Docker engine found: building the images, then docker-compose.yml (balancer on 127.0.0.1:5000, replicas on net1)"
  ./mvnw -q install -DskipTests -pl images -am
  if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
  exec "${compose[@]}" -p ringlb up
else
  echo "[run] no Docker engine: the balancer on :5000 with replicas as local processes"
  ./mvnw -q install -DskipTests -pl lb-webapp -am
  exec ./mvnw -q -pl lb-webapp liberty:run
fi
