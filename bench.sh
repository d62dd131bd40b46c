#!/usr/bin/env bash
# ringlb beside HAProxy and nginx, with one command: builds the balancer, starts three replicas,
# puts HAProxy (balance uri whole, hash-type consistent), nginx (hash $request_uri consistent)
# and ringlb in front of them in turn, loads each with wrk, and writes the table, ratios against
# HAProxy, into docs/benchmarks.md (charts and logs: docs/benchmarks/compare). About 7 minutes.
# Options go to the command, e.g. ./bench.sh --duration 60 --connections 128 (--help lists them).
set -euo pipefail
cd "$(dirname "$0")"
: "${JAVA_HOME:?point JAVA_HOME at a JDK 21 or newer}"
for tool in haproxy nginx wrk; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || { echo "[bench] $tool is missing: apt-get install haproxy nginx-light wrk" >&2; exit 1; }
done
export PATH="$PATH:/usr/sbin"

./mvnw -q install -DskipTests -pl lb-webapp,lb-analysis -am
"$JAVA_HOME/bin/java" -jar lb-analysis/target/lb-analysis.jar compare --out docs/benchmarks/compare --doc docs/benchmarks.md "$@"
